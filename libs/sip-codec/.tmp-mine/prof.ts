import { readFileSync } from 'node:fs';
import { parseMessage } from '../src/message.ts';
const text = new TextDecoder().decode(readFileSync(import.meta.dirname + '/../bench/fixtures/carrier-invite.sip'));
for (let i = 0; i < 400000; i++) parseMessage(text);
