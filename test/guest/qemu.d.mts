export declare const QEMU: string;
export declare function qemuArgs(elf: string): string[];
export declare function haveQemu(): boolean;
export declare function runQemu(
  elf: string,
  timeoutMs?: number,
): Promise<{ stdout: Buffer; stderr: Buffer; status: number | null; timedOut: boolean }>;
