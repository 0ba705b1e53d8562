/**
 * User-to-User values: the RFC 7433 / RFC 7434 style ISDN UUI value, and forms seen from gateways
 * (hex with isdn-interwork purpose, text encoding with spaces, which only the tolerant mode reads).
 */
export interface UuiExample {
  readonly value: string;
  readonly data: string;
  readonly encoding: string | null;
  readonly purpose: string | null;
  readonly content: string | null;
  readonly strictOk: boolean;
}

export const RFC7433_UUI_EXAMPLES: readonly UuiExample[] = [
  {
    value: '56a390f3d2b7310023a2;encoding=hex;purpose=isdn-uui;content=isdn-uui',
    data: '56a390f3d2b7310023a2',
    encoding: 'hex',
    purpose: 'isdn-uui',
    content: 'isdn-uui',
    strictOk: true,
  },
  {
    value:
      '303030303030312e5468697320697320612074657374205555492076616c7565;encoding=hex;purpose=isdn-interwork;content=isdn-uui',
    data: '303030303030312e5468697320697320612074657374205555492076616c7565',
    encoding: 'hex',
    purpose: 'isdn-interwork',
    content: 'isdn-uui',
    strictOk: true,
  },
  {
    value: '083030373435313734313635353b313233343b3834;encoding=hex',
    data: '083030373435313734313635353b313233343b3834',
    encoding: 'hex',
    purpose: null,
    content: null,
    strictOk: true,
  },
  {
    value: '0000001.This is a test UUI value;encoding=text;purpose=isdn-interwork;content=isdn-uui',
    data: '0000001.This is a test UUI value',
    encoding: 'text',
    purpose: 'isdn-interwork',
    content: 'isdn-uui',
    strictOk: false,
  },
];
