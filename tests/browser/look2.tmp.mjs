import { chromium } from 'playwright-core';
import fs from 'fs';
const base = 'http://127.0.0.1:18081';
const pw = Object.fromEntries(fs.readFileSync('/tmp/u.out','utf8').split('\n').filter(l => l.startsWith('demo staff:')).map(l => { const w = l.split(' '); return [w[2], w[4]]; }));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking'] });
const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } }); const page = await ctx.newPage();
await page.goto(`${base}/staff/login`); await page.fill('#username', 'admin'); await page.fill('#password', pw.admin);
await page.click('button[type=submit]'); await page.waitForLoadState();
for (const path of ['/staff/admin', '/staff/admin/outbox', '/staff/journal', '/staff']) {
  await page.goto(base + path);
  const r = await page.evaluate(() => {
    const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 395)
      .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 6);
    return { scroll: document.documentElement.scrollWidth, wide };
  });
  console.log(path, JSON.stringify(r));
}
await browser.close();
