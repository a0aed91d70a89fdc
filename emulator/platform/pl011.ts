import type { MmioDevice } from './bus.js';

/**
 * Arm PrimeCell UART (PL011), the registers bare-metal and Linux drivers poll.
 * Transmission is immediate, so the FIFO is always empty and never busy.
 * There is no receive source yet: the receive FIFO reads as empty.
 * Like QEMU 7.2, characters written to UARTDR go out whether or not
 * UARTCR.UARTEN/TXE are set; drivers that skip UART set-up still print.
 */
const DR = 0x000;
const RSR = 0x004;
const FR = 0x018;
const ILPR = 0x020;
const IBRD = 0x024;
const FBRD = 0x028;
const LCR_H = 0x02c;
const CR = 0x030;
const IFLS = 0x034;
const IMSC = 0x038;
const RIS = 0x03c;
const MIS = 0x040;
const ICR = 0x044;
const DMACR = 0x048;

const FR_TXFE = 1 << 7;
const FR_RXFE = 1 << 4;
const INT_TX = 1 << 5;

/** PrimeCell peripheral and cell identification bytes at 0xFE0..0xFFC. */
const ID_BYTES = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

export class Pl011 implements MmioDevice {
  readonly size = 0x1000;
  private ilpr = 0;
  private ibrd = 0;
  private fbrd = 0;
  private lcrh = 0;
  private cr = 0x300;
  private ifls = 0x12;
  private imsc = 0;
  private ris = INT_TX;
  private dmacr = 0;

  constructor(
    readonly name: string,
    readonly base: number,
    private readonly out: (byte: number) => void,
  ) {}

  read(offset: number, _size: number): number {
    switch (offset & ~3) {
      case DR:
        return 0;
      case RSR:
        return 0;
      case FR:
        return FR_TXFE | FR_RXFE;
      case ILPR:
        return this.ilpr;
      case IBRD:
        return this.ibrd;
      case FBRD:
        return this.fbrd;
      case LCR_H:
        return this.lcrh;
      case CR:
        return this.cr;
      case IFLS:
        return this.ifls;
      case IMSC:
        return this.imsc;
      case RIS:
        return this.ris;
      case MIS:
        return this.ris & this.imsc;
      case DMACR:
        return this.dmacr;
      default:
        if (offset >= 0xfe0 && offset < 0x1000) return ID_BYTES[(offset - 0xfe0) >> 2]!;
        return 0;
    }
  }

  write(offset: number, _size: number, value: number): void {
    switch (offset & ~3) {
      case DR:
        this.out(value & 0xff);
        this.ris |= INT_TX;
        return;
      case RSR:
        return; // write clears the error flags, of which there are none
      case ILPR:
        this.ilpr = value & 0xff;
        return;
      case IBRD:
        this.ibrd = value & 0xffff;
        return;
      case FBRD:
        this.fbrd = value & 0x3f;
        return;
      case LCR_H:
        this.lcrh = value & 0xff;
        return;
      case CR:
        this.cr = value & 0xffff;
        return;
      case IFLS:
        this.ifls = value & 0x3f;
        return;
      case IMSC:
        this.imsc = value & 0x7ff;
        return;
      case ICR:
        this.ris &= ~value;
        return;
      case DMACR:
        this.dmacr = value & 7;
        return;
      default:
        return; // read-only and reserved registers ignore writes
    }
  }
}
