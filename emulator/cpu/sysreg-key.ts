/** The 16-bit op0:op1:CRn:CRm:op2 key, as in MRS/MSR/SYS instruction bits [20:5]. */
export function sysKey(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return ((op0 & 3) << 14) | ((op1 & 7) << 11) | ((crn & 15) << 7) | ((crm & 15) << 3) | (op2 & 7);
}

export function keyFields(key: number): { op0: number; op1: number; crn: number; crm: number; op2: number } {
  return {
    op0: (key >>> 14) & 3,
    op1: (key >>> 11) & 7,
    crn: (key >>> 7) & 15,
    crm: (key >>> 3) & 15,
    op2: key & 7,
  };
}

/** The generic `S<op0>_<op1>_C<n>_C<m>_<op2>` name. */
export function genericName(key: number): string {
  const f = keyFields(key);
  return `S${f.op0}_${f.op1}_C${f.crn}_C${f.crm}_${f.op2}`;
}
