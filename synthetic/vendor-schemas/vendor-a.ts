/**
 * Vendor A: a MariaDB-era provincial system (PHP + MySQL), Vietnamese table and column names
 * without diacritics, dates typed as "dd/mm/yyyy" strings, `tinyint(1)` flags, Vietnamese string
 * status codes, bcrypt password hashes, and a civil-status (hộ tịch) database whose names were
 * keyed in the ABC/TCVN3 era and still sit as TCVN3 bytes in latin1 columns.
 *
 * Two databases per province: TTHC (`dm_co_quan`, `nguoi_dung`, `cong_dan`, `ho_so`) and hộ tịch
 * (`khai_sinh`, `khai_tu`, `ket_hon`). The same definitions create the tables on MariaDB,
 * PostgreSQL and PGlite (see source-tables.ts for the per-engine types).
 */
import type { DatabaseHandle } from "../../connectors/open-database.ts"
import type { SourceSystem } from "../../mappings/canonical-records.ts"
import { type ColumnDef, createSourceTables, type SourceTableDef } from "./source-tables.ts"

const id: ColumnDef = { name: "id", kind: "int", primaryKey: true, notNull: true }
const v = (name: string, length: number): ColumnDef => ({ name, kind: "varchar", length })
const int = (name: string): ColumnDef => ({ name, kind: "int" })
const unitColumns: ColumnDef[] = [v("ma_tinh", 5), v("ma_huyen", 5), v("ma_xa", 10)]

/** Cơ quan (agencies). cap_co_quan: 'TINH' | 'HUYEN' | 'XA'. */
export const dmCoQuan: SourceTableDef = {
  name: "dm_co_quan",
  system: "tthc",
  columns: [id, v("ma_dinh_danh", 40), v("ten_co_quan", 255), v("cap_co_quan", 10), ...unitColumns, v("linh_vuc", 100)]
}

/** Officials' accounts. vai_tro: comma-separated role names; mat_khau: bcrypt; kich_hoat: tinyint(1). */
export const nguoiDung: SourceTableDef = {
  name: "nguoi_dung",
  system: "tthc",
  columns: [
    id, v("ten_dang_nhap", 60), v("ho_ten", 150), v("so_cccd", 20), v("email", 150), v("so_dien_thoai", 20),
    int("co_quan_id"), v("vai_tro", 255), v("mat_khau", 100), ...unitColumns, { name: "kich_hoat", kind: "tinyint_bool" }
  ],
  indexes: ["co_quan_id"]
}

/** Công dân. ngay_sinh: 'dd/mm/yyyy' or 'yyyy'; gioi_tinh: 'Nam' | 'Nữ'; que_quan: old province code. */
export const congDan: SourceTableDef = {
  name: "cong_dan",
  system: "tthc",
  columns: [
    id, v("ho_ten", 150), v("ngay_sinh", 20), v("gioi_tinh", 5), v("so_cccd", 20), v("so_cmnd", 15), v("so_dien_thoai", 20),
    v("que_quan", 5), v("ho_ten_cha", 150), v("ho_ten_me", 150), ...unitColumns, v("thon_xom", 150), v("dia_chi", 255)
  ]
}

/**
 * Hồ sơ TTHC. ngay_tiep_nhan: 'dd/mm/yyyy hh:mm:ss'; ngay_hen_tra: 'dd/mm/yyyy'; ngay_hoan_thanh: a
 * real DATETIME that may hold the zero date; trang_thai: Vietnamese codes; le_phi: decimal(12,0).
 */
export const hoSo: SourceTableDef = {
  name: "ho_so",
  system: "tthc",
  columns: [
    id, v("ma_ho_so", 40), v("ma_tthc", 20), int("cong_dan_id"), v("ten_nguoi_nop", 150), int("co_quan_id"), ...unitColumns,
    v("ngay_tiep_nhan", 25), v("ngay_hen_tra", 20), { name: "ngay_hoan_thanh", kind: "timestamp" }, v("trang_thai", 20),
    v("so_ket_qua", 60), v("trich_yeu", 500), { name: "le_phi", kind: "decimal", precision: 12, scale: 0 }
  ],
  indexes: ["cong_dan_id"]
}

const civilColumns: ColumnDef[] = [id, v("so_dang_ky", 30), v("quyen_so", 30), v("ngay_dang_ky", 20), v("ma_xa_dang_ky", 10)]

/** Khai sinh (births): ho_ten_tcvn3 holds the child's name as TCVN3 bytes. */
export const khaiSinh: SourceTableDef = {
  name: "khai_sinh",
  system: "civil_status",
  columns: [...civilColumns, int("cong_dan_id"), { name: "ho_ten_tcvn3", kind: "legacy_bytes", length: 150 }, v("ngay_sinh", 20)]
}

/** Khai tử (deaths). */
export const khaiTu: SourceTableDef = {
  name: "khai_tu",
  system: "civil_status",
  columns: [...civilColumns, int("cong_dan_id"), { name: "ho_ten_tcvn3", kind: "legacy_bytes", length: 150 }, v("ngay_chet", 20)]
}

/** Kết hôn (marriages): husband and wife, names as TCVN3 bytes. */
export const ketHon: SourceTableDef = {
  name: "ket_hon",
  system: "civil_status",
  columns: [
    ...civilColumns, int("chong_id"), { name: "ho_ten_chong_tcvn3", kind: "legacy_bytes", length: 150 },
    int("vo_id"), { name: "ho_ten_vo_tcvn3", kind: "legacy_bytes", length: 150 }
  ]
}

export const vendorATables = {
  tthc: [dmCoQuan, nguoiDung, congDan, hoSo],
  civil_status: [khaiSinh, khaiTu, ketHon]
} as const satisfies Record<SourceSystem, readonly SourceTableDef[]>

/** Creates vendor A's tables of one system in the handle's database. */
export const createVendorATables = (handle: DatabaseHandle, system: SourceSystem): Promise<void> =>
  createSourceTables(handle, vendorATables[system])
