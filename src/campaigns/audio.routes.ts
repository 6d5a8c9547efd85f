// Recorded campaign audio (messages/audio/<locale>/<id>.wav) for Twilio <Play>: public, read-only, no
// directory listing. Twilio fetches these without credentials, and they hold nothing but safety messages.
import { join } from 'node:path';
import express, { Router } from 'express';
import { MESSAGES_DIR } from '../content/library.js';

export const AUDIO_DIR = join(MESSAGES_DIR, 'audio');

export function createAudioRouter(dir = AUDIO_DIR) {
  const router = Router();
  router.use(
    express.static(dir, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      fallthrough: true,
      maxAge: '1h',
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
  );
  return router;
}
