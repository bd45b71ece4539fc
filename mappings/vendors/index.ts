/**
 * The supported vendor systems, by the id a job file names them with. Adding a vendor is one file
 * in this folder and one line here.
 */
import type { VendorMapping } from "../vendor-mapping.ts"
import { vendorAMapping } from "./vendor-a.ts"
import { vendorBMapping } from "./vendor-b.ts"

export const vendorMappings: Readonly<Record<string, VendorMapping>> = {
  [vendorAMapping.vendor]: vendorAMapping,
  [vendorBMapping.vendor]: vendorBMapping
}

/** The mapping of a vendor id, or undefined when no such vendor is supported. */
export const findVendorMapping = (id: string): VendorMapping | undefined =>
  Object.hasOwn(vendorMappings, id) ? vendorMappings[id] : undefined
