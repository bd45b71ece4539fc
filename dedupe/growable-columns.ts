/**
 * Typed-array columns that grow by doubling: one number per record without an object or a boxed
 * value each, for the column table and for stages that keep a few numbers per citizen record.
 */
export class GrowableInt32 {
  data: Int32Array
  length = 0
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity)
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2)
      d.set(this.data)
      this.data = d
    }
    this.data[this.length++] = v
  }
  /** The values (the buffer itself when it is exactly full: a presized column is not copied). */
  take(): Int32Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length)
  }
}

export class GrowableFloat64 {
  data: Float64Array
  length = 0
  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity)
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2)
      d.set(this.data)
      this.data = d
    }
    this.data[this.length++] = v
  }
  take(): Float64Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length)
  }
}

/** Small numbers per record (flags, months, days, codes below 256). */
export class GrowableUint8 {
  data: Uint8Array
  length = 0
  constructor(capacity = 1024) {
    this.data = new Uint8Array(capacity)
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Uint8Array(this.data.length * 2)
      d.set(this.data)
      this.data = d
    }
    this.data[this.length++] = v
  }
  take(): Uint8Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length)
  }
}

export class GrowableInt16 {
  data: Int16Array
  length = 0
  constructor(capacity = 1024) {
    this.data = new Int16Array(capacity)
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int16Array(this.data.length * 2)
      d.set(this.data)
      this.data = d
    }
    this.data[this.length++] = v
  }
  take(): Int16Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length)
  }
}
