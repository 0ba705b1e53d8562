// netstring framing, as Kamailio's janssonrpcc speaks it
export { encodeNetstring, NetstringDecoder } from './netstring.ts';
export type { DecodeResult, NetstringError, NetstringErrorCode } from './netstring.ts';

// JSON-RPC 2.0 over netstrings on TCP, in front of a jayson method table
export { createNetstringRpcServer, NETSTRING_DEFAULTS } from './netstring-server.ts';
export type { DropReason, NetstringServerOptions } from './netstring-server.ts';

// a client for Kamailio's own RPC (jsonrpcs over HTTP and UDP)
export { createKamailioRpc } from './kamailio-rpc.ts';
export type {
  KamailioRpc,
  KamailioRpcError,
  KamailioRpcResult,
  KamailioRpcTarget,
} from './kamailio-rpc.ts';
