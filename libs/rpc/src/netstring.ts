/**
 * Netstrings (D. J. Bernstein, http://cr.yp.to/proto/netstrings.txt), as Kamailio's janssonrpcc
 * frames JSON-RPC over its persistent TCP connection:
 *
 *   netstring = length ":" payload ","      length = "0" / %x31-39 *DIGIT   (bytes of payload)
 *
 * Frames follow each other with nothing between them (requests are pipelined). The decoder is
 * incremental: bytes arrive in chunks of any size, a frame may span chunks and a chunk may hold
 * several frames. It refuses a declared length above `maxFrameBytes` as soon as the length is read,
 * before buffering any of the payload, so a hostile peer cannot make it hold more than that.
 * After an error the stream cannot be resynchronised (a netstring has no sync marker): the
 * connection must be closed, and the decoder stays failed.
 */

export type NetstringErrorCode = 'RPC_BAD_LENGTH' | 'RPC_FRAME_TOO_LARGE' | 'RPC_BAD_TERMINATOR';

export interface NetstringError {
  readonly code: NetstringErrorCode;
  readonly message: string;
  /** Index in the stream of the byte where the problem is. */
  readonly offset: number;
}

export type DecodeResult =
  | { readonly ok: true; readonly frames: Uint8Array[] }
  | { readonly ok: false; readonly error: NetstringError; readonly frames: Uint8Array[] };

/** `<byte length>:<payload>,` */
export function encodeNetstring(payload: string | Uint8Array): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  const head = Buffer.from(`${body.length}:`, 'ascii');
  const out = Buffer.allocUnsafe(head.length + body.length + 1);
  head.copy(out, 0);
  body.copy(out, head.length);
  out[out.length - 1] = 0x2c;
  return out;
}

const COLON = 0x3a;
const COMMA = 0x2c;

export class NetstringDecoder {
  readonly maxFrameBytes: number;
  readonly #maxDigits: number;
  /** The length being read, and how many digits it has so far. */
  #length = 0;
  #digits = 0;
  /** Payload bytes expected for the frame in progress (its length once read). */
  #need = -1;
  #parts: Buffer[] = [];
  #have = 0;
  #consumed = 0;
  #failed: NetstringError | null = null;

  constructor(options: { readonly maxFrameBytes: number }) {
    if (!Number.isSafeInteger(options.maxFrameBytes) || options.maxFrameBytes < 0) {
      throw new RangeError('maxFrameBytes is a whole number of bytes');
    }
    this.maxFrameBytes = options.maxFrameBytes;
    this.#maxDigits = String(options.maxFrameBytes).length;
  }

  /** The error the stream failed with, or null. */
  get error(): NetstringError | null {
    return this.#failed;
  }

  /** Bytes held for a frame not yet complete. */
  get buffered(): number {
    return this.#have;
  }

  #fail(code: NetstringErrorCode, message: string, frames: Uint8Array[], back = 0): DecodeResult {
    this.#failed = { code, message, offset: this.#consumed - back };
    this.#parts = [];
    this.#have = 0;
    return { ok: false, error: this.#failed, frames };
  }

  /** Feeds bytes; returns the frames they complete, in order, or the error that ends the stream. */
  push(chunk: Uint8Array): DecodeResult {
    const frames: Uint8Array[] = [];
    if (this.#failed !== null) return { ok: false, error: this.#failed, frames };
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let i = 0;
    while (i < buf.length) {
      if (this.#need === -1) {
        const c = buf[i] as number;
        if (c === COLON) {
          if (this.#digits === 0)
            return this.#fail('RPC_BAD_LENGTH', 'a netstring starts with its length', frames);
          this.#need = this.#length;
          this.#digits = 0;
          this.#length = 0;
        } else if (c >= 0x30 && c <= 0x39) {
          if (this.#digits === 1 && this.#length === 0) {
            return this.#fail('RPC_BAD_LENGTH', 'a netstring length has no leading zero', frames);
          }
          this.#length = this.#length * 10 + (c - 0x30);
          this.#digits++;
          if (this.#digits > this.#maxDigits || this.#length > this.maxFrameBytes) {
            return this.#fail(
              'RPC_FRAME_TOO_LARGE',
              `frame over ${this.maxFrameBytes} bytes`,
              frames,
            );
          }
        } else {
          return this.#fail(
            'RPC_BAD_LENGTH',
            `byte 0x${c.toString(16)} where a length digit or ":" belongs`,
            frames,
          );
        }
        i++;
        this.#consumed++;
        continue;
      }
      // Payload, then the "," that ends it.
      const want = this.#need + 1 - this.#have;
      const take = Math.min(want, buf.length - i);
      this.#parts.push(buf.subarray(i, i + take));
      this.#have += take;
      i += take;
      this.#consumed += take;
      if (this.#have < this.#need + 1) break;
      const whole =
        this.#parts.length === 1
          ? (this.#parts[0] as Buffer)
          : Buffer.concat(this.#parts, this.#have);
      if (whole[this.#need] !== COMMA) {
        return this.#fail('RPC_BAD_TERMINATOR', 'a netstring ends with ","', frames, 1);
      }
      // A copy, so that a frame never keeps a large chunk alive or changes when it is reused.
      frames.push(Buffer.from(whole.subarray(0, this.#need)));
      this.#parts = [];
      this.#have = 0;
      this.#need = -1;
    }
    return { ok: true, frames };
  }
}
