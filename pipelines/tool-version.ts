/** The version printed by --version and written into every workbook header. */
export const TOOL_VERSION = "0.1.0"
