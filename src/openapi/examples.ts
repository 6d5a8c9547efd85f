// Response examples for the console's operations: what a client sees, with made-up numbers.
export const CONTENT_EXAMPLE = {
  data: [
    {
      id: 'mre-001',
      title: 'Recognise mines and bombs',
      topic: 'recognise',
      channels: ['sms', 'voice'],
      review: { status: 'draft' },
      variables: ['hotline'],
      texts: {
        en: { sms: 'Mines and bombs can be big or small… Stay away and tell us: {{hotline}}', encoding: 'GSM-7', parts: 2, chars: 201, voice: 'Hello, this is Hazardline…', audioUrl: null },
        km: { sms: 'មីន និងគ្រាប់បែក…', encoding: 'UCS-2', parts: 3, chars: 180, voice: '…', audioUrl: '/audio/km/mre-001.wav' },
      },
    },
  ],
};

export const EVENTS_EXAMPLE =
  ': connected\nretry: 3000\n\n' +
  'id: 41\nevent: report\ndata: {"id":12,"kind":"created","status":"received","priority":"high","districtPcode":"0102","at":"2026-11-30T09:00:00.000Z"}\n\n' +
  'id: 42\nevent: outbox\ndata: {"id":77,"kind":"reply","channel":"sms","status":"pending","to":"+855****5678","reportId":12,"at":"2026-11-30T09:00:00.000Z"}\n\n' +
  ': heartbeat\n\n';

export const SIMULATOR_INFO_EXAMPLE = {
  enabled: true,
  hotline: '+85523000000',
  numbers: [
    { phone: '+85512000201', label: 'Villager, Banteay Meanchey (Khmer)', kind: 'villager' },
    { phone: '+85512999001', label: 'Sokha (MAG Team 3)', kind: 'team' },
  ],
};

export const SIMULATOR_CONVERSATION_EXAMPLE = {
  data: [
    { id: 'in:5', at: '2026-11-30T09:00:00.000Z', direction: 'in', channel: 'sms', kind: 'report', body: 'mine near my house in Mongkol Borei', status: 'handled', reportId: 12 },
    { id: 'out:77', at: '2026-11-30T09:00:00.100Z', direction: 'out', channel: 'sms', kind: 'reply', body: 'Report #12 received. Do not touch it…', status: 'delivered', reportId: 12 },
  ],
  nextCursor: '5.77',
};

export const SIMULATOR_CALL_EXAMPLE = {
  callSid: 'CA0123456789abcdef0123456789abcdef',
  prompts: [{ say: 'Welcome to Hazardline. To report a mine or a bomb, press 1…', language: 'en-US' }, { play: '/audio/prompts/km/main-menu.wav' }],
  gather: { numDigits: 1, timeout: 8 },
  record: false,
  hangup: false,
  next: '/webhooks/twilio/voice/step?s=menu.main&t=1',
};
