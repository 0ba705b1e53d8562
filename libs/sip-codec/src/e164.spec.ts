import { describe, expect, it } from 'vitest';
import { normalizeE164, numberFromUri, stripVisualSeparators } from './e164.ts';
import { parseUri } from './uri.ts';

describe('normalizeE164', () => {
  it.each([
    ['+1 (206) 555-1234', {}, '+12065551234'],
    ['+44.20.7946.0018', {}, '+442079460018'],
    ['0012065551234', {}, '+12065551234'],
    ['01144207946001', { internationalPrefix: '011' }, '+44207946001'],
    ['(206) 555-1234', { defaultCountryCode: '1', trunkPrefix: '' }, '+12065551234'],
    ['020 7946 0018', { defaultCountryCode: '44' }, '+442079460018'],
  ])('%s %j → %s', (input, options, expected) => {
    expect(normalizeE164(input, options)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['2065551234', {}],
    ['+1234567890123456', {}],
    ['+12a4', {}],
    ['+', {}],
    ['+0123', {}],
    ['anonymous', { defaultCountryCode: '1' }],
  ])('refuses %s', (input, options) => {
    const r = normalizeE164(input, options);
    expect(!r.ok && r.error.code).toBe('SIP_BAD_NUMBER');
  });

  it('strips visual separators', () => {
    expect(stripVisualSeparators('+1-(206) 555.1234')).toBe('+12065551234');
  });
});

describe('numberFromUri', () => {
  it.each([
    ['tel:+1-201-555-0123', { number: '+1-201-555-0123', global: true, source: 'tel' }],
    [
      'sip:+12065551234;isub=12@gw.example.com;user=phone',
      { number: '+12065551234', global: true, source: 'user=phone' },
    ],
    ['sip:2065551234@pbx.example.com', { number: '2065551234', global: false, source: 'user' }],
    ['sip:%2B12065551234@gw.example.com', { number: '+12065551234', global: true, source: 'user' }],
    [
      'sip:*67;phone-context=example.com@pbx.example.com;user=phone',
      { number: '*67', global: false, source: 'user=phone' },
    ],
    [
      'sip:+1-212-555-1212:1234@gateway.com;user=phone',
      { number: '+1-212-555-1212', global: true, source: 'user=phone' },
    ],
    [
      'sip:+1-212-555-1212;ext=99@gw.example.com',
      { number: '+1-212-555-1212', global: true, source: 'user' },
    ],
    ['sip:alice@atlanta.example.com;user=phone', null],
    ['sip:cafe@atlanta.example.com', null],
    ['sip:*67@pbx.example.com', null],
    ['sip:alice@atlanta.example.com', null],
    ['sip:atlanta.example.com', null],
    ['sip:%zz@atlanta.example.com', null],
    ['urn:service:sos', null],
  ])('%s', (input, expected) => {
    const uri = parseUri(input);
    expect(uri.ok).toBe(true);
    if (uri.ok) expect(numberFromUri(uri.value)).toEqual(expected);
  });
});
