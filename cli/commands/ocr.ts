/**
 * `provmerge ocr`: digitizes a folder of scanned district results (PDF, TIFF, PNG, JPEG) offline
 * and writes one JSON object per document.
 *
 *   provmerge ocr --input <dir> --output <file.jsonl> [--concurrency N] [--page-images <dir>] [--districts <csv>]
 *
 * Each line: file, fileHash, pages, text, fields (documentNumber, issueDate, issuingAuthority,
 * signer, applicantName, citizenId, documentType), confidence (per field, 0..1), title, issues,
 * and reject (null, or { code, reason } for a file that could not be read: its fields are null).
 * A summary goes to stderr. Exit 1 when the input folder cannot be read.
 */
import { createWriteStream } from "node:fs"
import { stat } from "node:fs/promises"
import { once } from "node:events"
import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import type { DigitizeResult } from "../../ocr/digitized-document.ts"
import { emptyFields, zeroConfidence } from "../../ocr/digitized-document.ts"
import { CommandFailed } from "../exit-status.ts"
import { optionValue } from "../shared-flags.ts"

/** The JSON object written for one document (or reject). */
export const ocrJsonRecord = (r: DigitizeResult): Record<string, unknown> =>
  r._tag === "DigitizedDocument"
    ? {
        file: r.file,
        fileHash: r.fileHash,
        pages: r.pages,
        text: r.text,
        fields: r.fields,
        confidence: r.confidence,
        title: r.title,
        issues: r.issues,
        pageImages: r.pageImages ?? null,
        reject: null
      }
    : {
        file: r.file,
        fileHash: r.fileHash,
        pages: 0,
        text: "",
        fields: emptyFields(),
        confidence: zeroConfidence(),
        title: null,
        issues: [],
        pageImages: null,
        reject: { code: r.code, reason: r.reason }
      }

export type OcrRunOptions = {
  readonly input: string
  readonly output: string
  readonly concurrency?: number | undefined
  readonly pageImageDir?: string | undefined
  /** CSV of district names (e.g. old_districts_2025-06-30.csv) to spell issuing authorities officially. */
  readonly districts?: string | undefined
  /** Progress lines (one per document); default stderr. */
  readonly log?: (line: string) => void
}

export type OcrRunSummary = { readonly documents: number; readonly rejected: number; readonly pages: number; readonly elapsedMs: number }

/** Runs the OCR over a folder into a JSONL file. Throws only when the folder or output cannot be used. */
export const runOcr = async (options: OcrRunOptions): Promise<OcrRunSummary> => {
  // Loaded here, not at CLI start: sharp, pdf.js and tesseract.js cost a second of start-up.
  const [{ digitizeFolder }, { loadDistrictNames }] = await Promise.all([
    import("../../ocr/digitize-folder.ts"),
    import("../../ocr/authority-names.ts")
  ])
  const started = performance.now()
  const info = await stat(options.input).catch((e: Error) => {
    throw new Error(`Cannot read the input folder ${options.input}: ${e.message}`)
  })
  if (!info.isDirectory()) throw new Error(`--input must be a folder of scans: ${options.input}`)
  const out = createWriteStream(options.output, { encoding: "utf8" })
  await once(out, "open").catch((e: Error) => {
    throw new Error(`Cannot write ${options.output}: ${e.message}`)
  })
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const districts = options.districts === undefined
    ? undefined
    : await loadDistrictNames(options.districts).catch((e: Error) => {
        throw new Error(`Cannot read the district names ${options.districts}: ${e.message}`)
      })
  let documents = 0
  let rejected = 0
  let pages = 0
  try {
    for await (const r of digitizeFolder(options.input, {
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.pageImageDir !== undefined ? { pageImageDir: options.pageImageDir } : {}),
      ...(districts !== undefined ? { districts } : {})
    })) {
      if (!out.write(`${JSON.stringify(ocrJsonRecord(r))}\n`)) await once(out, "drain")
      if (r._tag === "DigitizedDocument") {
        documents++
        pages += r.pages
        log(`ocr: ${r.file} (${r.pages} p.)`)
      } else {
        rejected++
        log(`ocr: ${r.file} rejected ${r.code}: ${r.reason}`)
      }
    }
  } finally {
    out.end()
    await once(out, "close")
  }
  return { documents, rejected, pages, elapsedMs: Math.round(performance.now() - started) }
}

export const ocrCommand = Command.make(
  "ocr",
  {
    input: Flag.String("input").pipe(Flag.withDescription("Folder of scans (PDF, TIFF, PNG, JPEG), searched recursively")),
    output: Flag.String("output").pipe(Flag.withDescription("JSONL file to write, one object per document")),
    concurrency: Flag.Int("concurrency").pipe(Flag.withDescription("OCR workers (default: number of cores)"), Flag.optional),
    pageImages: Flag.String("page-images").pipe(
      Flag.withDescription("Folder to keep the cleaned page images in (PNG), for reviewers"),
      Flag.optional
    ),
    districts: Flag.String("districts").pipe(
      Flag.withDescription("CSV of district names (column old_district_name), to spell issuing authorities as the catalog does"),
      Flag.optional
    )
  },
  (config) =>
    Effect.tryPromise({
      try: () =>
        runOcr({
          input: config.input,
          output: config.output,
          concurrency: optionValue(config.concurrency),
          pageImageDir: optionValue(config.pageImages),
          districts: optionValue(config.districts)
        }),
      catch: (e) => new CommandFailed({ reason: e instanceof Error ? e.message : String(e), exitCode: 1 })
    }).pipe(
      Effect.flatMap((s) =>
        Effect.sync(() =>
          process.stderr.write(`ocr: ${s.documents} documents (${s.pages} pages), ${s.rejected} rejected, ${(s.elapsedMs / 1000).toFixed(1)} s\n`)
        )
      )
    )
).pipe(Command.withDescription("Digitize scanned district results offline (Vietnamese OCR) into JSONL: text, fields, confidences"))
