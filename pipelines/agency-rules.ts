/** The agency successor rules of a job: the built-in defaults, or the user's CSV table. */
import { readCsvRecords } from "../mappings/admin-units/unit-tables.ts"
import { DEFAULT_AGENCY_RULES, parseAgencyRules, type AgencySuccessorRule } from "../mappings/agencies.ts"

export const loadAgencyRules = async (path: string | undefined): Promise<readonly AgencySuccessorRule[]> =>
  path === undefined ? DEFAULT_AGENCY_RULES : parseAgencyRules(await readCsvRecords(path))
