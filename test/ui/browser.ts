import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium'];

/**
 * Debian's chromium (or CHROMIUM_PATH), headless. The browser tests never skip: without chromium they fail here,
 * saying how to install it.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || CANDIDATES.find((path) => existsSync(path));
  if (executablePath === undefined || !existsSync(executablePath)) {
    throw new Error(
      `chromium is not installed (looked for ${process.env.CHROMIUM_PATH || CANDIDATES.join(', ')}): the UI tests drive ` +
        "Debian's chromium. Install it with 'apt-get install -y chromium' (.ci/run does) or set CHROMIUM_PATH",
    );
  }
  // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
