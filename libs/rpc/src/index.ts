// netstring framing, as Kamailio's janssonrpcc speaks it
export { encodeNetstring, NetstringDecoder } from './netstring.ts';
export type { DecodeResult, NetstringError, NetstringErrorCode } from './netstring.ts';
