// Runs a test guest under QEMU, the reference for the differential suite.
// Shared by build-guests.mjs (recording goldens) and test/diff/qemu-diff.test.ts.
import { spawn, spawnSync } from 'node:child_process';

export const QEMU = 'qemu-system-aarch64';

/** The reference machine: QEMU 7.2 virt with EL2, GICv3, 1 GiB and semihosting. */
export function qemuArgs(elf) {
  return ['-M', 'virt,virtualization=on,gic-version=3', '-cpu', 'max', '-m', '1G', '-nographic', '-semihosting', '-kernel', elf];
}

export function haveQemu() {
  try {
    return spawnSync(QEMU, ['--version'], { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
}

/**
 * Resolves to { stdout: Buffer, stderr: Buffer, status: number|null, timedOut: boolean }.
 * With -nographic, QEMU's stdout carries only the guest's UART output (and
 * semihosting writes to a ":tt" handle opened for writing).
 */
export function runQemu(elf, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU, qemuArgs(elf), { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), status, timedOut });
    });
  });
}
