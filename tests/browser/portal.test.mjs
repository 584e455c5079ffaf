// The citizens' portal and the back office in a real headless Chromium (Debian's package),
// driven by Playwright against the real `priemna serve --demo` binary on a free port:
//   submit → receipt → track; a member of staff answers in the back office → the citizen sees
//   the answer and rates it; a reception visit is booked, moved and cancelled; form errors sit next to
//   their fields; the keyboard reaches everything; axe-core finds no serious or critical
//   violation on any public or back-office page; screenshots at phone and desktop width.
//
// Run through scripts/browser-tests (which installs what is missing). Environment:
//   PRIEMNA_BIN          the priemna binary (default: target/debug/priemna)
//   CHROMIUM             the browser (default: /usr/bin/chromium)
//   PRIEMNA_SCREENS_DIR  where screenshots go (default: target/screens; docs/screens to refresh
//                        the committed ones)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.PRIEMNA_BIN || join(ROOT, 'target', 'debug', 'priemna');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCREENS = resolve(ROOT, process.env.PRIEMNA_SCREENS_DIR || join('target', 'screens'));
const PASSWORD = 'browser-tests-password-1';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let dir;
let server;
let base;
let browser;
const axeResults = [];

function priemna(args, input) {
  const run = spawnSync(BIN, [...args, '--db', join(dir, 'priemna.db')], {
    input,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, `priemna ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'priemna-browser-'));
  mkdirSync(SCREENS, { recursive: true });
  priemna(['department', 'add', 'Административно обслужване']);
  const users = [
    ['kmet', 'Мария Кметова', 'mayors_office'],
    ['clerk', 'Петър Деловодов', 'registry_clerk'],
    ['admin', 'Анна Администраторова', 'administrator'],
  ];
  for (const [username, name, role] of users) {
    priemna(['user', 'add', '--username', username, '--name', name, '--role', role, '--password-stdin'], `${PASSWORD}\n`);
  }
  server = spawn(BIN, ['serve', '--demo', '--addr', '127.0.0.1:0', '--db', join(dir, 'priemna.db')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  base = await new Promise((resolveBase, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30000);
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/Priemna listening on (http:\/\/[0-9.:]+)/);
      if (match) {
        clearTimeout(timer);
        resolveBase(match[1]);
      }
    });
    server.stderr.on('data', (chunk) => { out += chunk; });
    server.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
  const pages = axeResults.map((r) => r.page);
  if (pages.length) console.log(`axe-core checked ${pages.length} pages: ${pages.join(', ')}`);
});

async function newPage(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'bg-BG' });
  return context.newPage();
}

/** Runs axe-core on the page as it is; fails on any serious or critical violation. */
async function checkA11y(page, name) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  axeResults.push({ page: name, violations: results.violations.length });
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`),
    [],
    `axe-core on ${name}`,
  );
}

async function shoot(page, name) {
  await page.screenshot({ path: join(SCREENS, `${name}.png`) });
}

/** Screenshots of a page at phone and desktop width. */
async function shootBoth(page, name) {
  const viewport = page.viewportSize();
  await page.setViewportSize(PHONE);
  await shoot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
  await shoot(page, `${name}-desktop`);
  await page.setViewportSize(viewport);
}

async function staffPage(username) {
  const page = await newPage();
  await page.goto(`${base}/staff/login`);
  await page.getByLabel('Потребителско име').fill(username);
  await page.getByLabel('Парола').fill(PASSWORD);
  await page.getByRole('button', { name: 'Вход' }).click();
  await page.waitForURL(/\/staff(\/admin)?$/);
  return page;
}

/**
 * At phone width (390 px): the page does not scroll sideways; every table that stacks shows
 * its rows as boxes with each cell named by its column (`data-label` written before it); every
 * chart's text is at least 12 px as drawn, inside the chart, and no two texts overlap.
 */
async function assertFitsPhone(page, name) {
  assert.equal(page.viewportSize().width, PHONE.width, `${name}: at phone width`);
  const found = await page.evaluate(() => {
    const tables = [...document.querySelectorAll('table.stacked')].map((table) => {
      const problems = [];
      const rows = [...table.tBodies].flatMap((body) => [...body.rows]);
      for (const row of rows) {
        const display = getComputedStyle(row).display;
        if (display !== 'block') problems.push(`a row shown as ${display}`);
        for (const cell of row.cells) {
          const label = cell.getAttribute('data-label');
          const before = getComputedStyle(cell, '::before').content;
          if (!label || before === 'none' || before === 'normal') {
            problems.push(`"${cell.textContent.trim().slice(0, 40)}" has no label (${before})`);
          }
        }
      }
      const head = table.tHead ? table.tHead.getBoundingClientRect() : { height: 0 };
      if (head.height > 1) problems.push('the head row is shown');
      return { id: table.id || table.caption?.textContent.trim().slice(0, 40) || '?', rows: rows.length, problems };
    });
    const charts = [...document.querySelectorAll('svg.chart')].map((svg) => {
      const box = svg.getBoundingClientRect();
      const scale = svg.getScreenCTM()?.a ?? 1;
      const texts = [...svg.querySelectorAll('text')]
        .filter((t) => getComputedStyle(t).display !== 'none')
        .map((t) => ({
          text: t.textContent,
          rect: t.getBoundingClientRect(),
          size: parseFloat(getComputedStyle(t).fontSize) * scale,
        }));
      const problems = [];
      let smallest = Infinity;
      for (const t of texts) {
        smallest = Math.min(smallest, t.size, t.rect.height);
        if (t.rect.left < box.left - 1 || t.rect.right > box.right + 1) {
          problems.push(`"${t.text}" runs out of the chart`);
        }
      }
      for (let i = 0; i < texts.length; i += 1) {
        for (let j = i + 1; j < texts.length; j += 1) {
          const [a, b] = [texts[i].rect, texts[j].rect];
          const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (across > 1 && down > 1) problems.push(`"${texts[i].text}" overlaps "${texts[j].text}"`);
        }
      }
      return { id: svg.id, texts: texts.length, smallest, problems: problems.slice(0, 5) };
    });
    return { scrollWidth: document.documentElement.scrollWidth, tables, charts };
  });
  assert.ok(found.scrollWidth <= PHONE.width, `${name}: ${found.scrollWidth}px wide at ${PHONE.width}px`);
  for (const table of found.tables) {
    assert.deepEqual(table.problems.slice(0, 5), [], `${name}: table ${table.id}`);
  }
  for (const chart of found.charts) {
    assert.ok(chart.texts > 0, `${name}: chart ${chart.id} writes nothing`);
    assert.ok(chart.smallest >= 12, `${name}: chart ${chart.id}: text of ${chart.smallest.toFixed(1)}px`);
    assert.deepEqual(chart.problems, [], `${name}: chart ${chart.id}`);
  }
  return found;
}

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const shared = {};

test('form errors are shown next to their fields', async () => {
  const page = await newPage();
  await page.goto(`${base}/submit`);
  await page.getByLabel(/^Телефон/).fill('12');
  await page.getByRole('button', { name: 'Изпрати' }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'Има проблем' });
  await summary.waitFor();
  for (const id of ['kind', 'subject', 'body', 'phone', 'consent']) {
    const error = page.locator(`#${id}-error`);
    assert.ok(await error.isVisible(), `${id}: its error is visible`);
    const described = await page.locator(`#${id}`).getAttribute('aria-describedby');
    assert.ok(described && described.split(' ').includes(`${id}-error`), `${id}: aria-describedby ${described}`);
  }
  // The error sits right by its field: above the input, inside the field's box.
  const field = page.locator('.field', { has: page.locator('#subject') });
  assert.ok(await field.locator('#subject-error').isVisible());
  assert.equal(await page.locator('#phone').inputValue(), '12', 'what was typed comes back');
  await checkA11y(page, 'submit (errors)');
  await shootBoth(page, 'submit-errors');
  // The summary links take the keyboard to the field.
  await summary.getByRole('link', { name: /заглавие/ }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'subject');
  await page.context().close();
});

test('submit → receipt → track', async () => {
  const page = await newPage();
  await page.goto(`${base}/submit`);
  await shootBoth(page, 'submit');
  await page.getByLabel('Жалба', { exact: true }).check();
  await page.getByLabel('Заглавие', { exact: true }).fill('Забавено удостоверение за наследници');
  await page.getByLabel('Текст', { exact: true }).fill('Подадох искане преди месец и още не съм получил удостоверението.');
  await page.getByLabel(/лошо администриране/).check();
  await page.locator('#attachments').setInputFiles({ name: 'искане.png', mimeType: 'image/png', buffer: PNG });
  await page.getByLabel(/^Име и фамилия/).fill('Иван Петров');
  await page.getByLabel(/^Телефон/).fill('0888 123 456');
  await page.getByLabel(/Съгласен/).check();
  await page.getByRole('button', { name: 'Изпрати' }).click();
  await page.locator('#receipt-number').waitFor();
  const number = (await page.locator('#receipt-number').textContent()).trim();
  const code = (await page.locator('#receipt-code').textContent()).trim();
  assert.match(number, /^\d{4}-\d{6}$/);
  assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.match(await page.locator('#receipt-due').textContent(), /\d{2}\.\d{2}\.\d{4}/);
  assert.ok(await page.getByText('искане.png').isVisible());
  await checkA11y(page, 'receipt');
  await shootBoth(page, 'receipt');
  // Printed, the receipt drops the site's furniture and keeps the number and code.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('nav.nav').isVisible(), false);
  assert.ok(await page.locator('#receipt-code').isVisible());
  await page.emulateMedia({ media: 'screen' });

  await page.getByRole('link', { name: 'Проследяване на преписка' }).click();
  await page.getByLabel('Регистрационен номер', { exact: true }).fill(number);
  await page.getByLabel('Код за проследяване', { exact: true }).fill(code.toLowerCase());
  await page.getByRole('button', { name: 'Покажи преписката' }).click();
  await page.locator('#case-status').waitFor();
  assert.equal((await page.locator('#case-status').textContent()).trim(), 'регистрирано');
  await checkA11y(page, 'track (case)');
  shared.number = number;
  shared.code = code;
  await page.context().close();
});

test('a photo survives a form with errors; reloading the receipt registers nothing twice', async () => {
  const page = await newPage(PHONE);
  await page.goto(`${base}/submit`);
  await page.getByLabel('Сигнал', { exact: true }).check();
  await page.getByLabel('Заглавие', { exact: true }).fill('Паднал клон на тротоара');
  await page.getByLabel('Текст', { exact: true }).fill('Клонът пречи на минувачите пред училището.');
  await page.locator('#attachments').setInputFiles({ name: 'клон.png', mimeType: 'image/png', buffer: PNG });
  await page.getByLabel(/^Име и фамилия/).fill('Иван Петров');
  await page.getByLabel(/^Електронна поща/).fill('ivan@');
  await page.getByLabel(/Съгласен/).check();
  await page.getByRole('button', { name: 'Изпрати' }).click();
  await page.locator('#email-error').waitFor();
  // The focus is on the error summary (autofocus, no script), and the photo is kept.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
  const kept = page.locator('#kept');
  assert.ok(await kept.locator('.file-name', { hasText: 'клон.png' }).isVisible(), 'the photo is shown as attached');
  assert.ok(await kept.getByLabel(/Премахни/).isVisible());
  await checkA11y(page, 'submit (kept file)');
  await kept.scrollIntoViewIfNeeded();
  await shoot(page, 'submit-kept-file-phone');

  // Corrected, without choosing the photo again.
  await page.getByLabel(/^Електронна поща/).fill('ivan@example.bg');
  await page.getByRole('button', { name: 'Изпрати' }).click();
  await page.locator('#receipt-number').waitFor();
  assert.match(page.url(), /\/receipt\/[0-9a-f]{32}$/, 'the receipt has its own address');
  const number = (await page.locator('#receipt-number').textContent()).trim();
  assert.ok(await page.locator('#receipt-files').getByText('клон.png').isVisible(), 'sent with the photo');
  assert.match(await page.locator('#receipt-copy').textContent(), /ivan@example\.bg/);
  await checkA11y(page, 'receipt (with copy)');
  await shootBoth(page, 'receipt-pdf-link');

  // F5 / pull-to-refresh: the same receipt (a GET), no second case.
  await page.reload();
  assert.equal((await page.locator('#receipt-number').textContent()).trim(), number);
  await page.reload();
  assert.equal((await page.locator('#receipt-number').textContent()).trim(), number);

  // The PDF to download or print.
  const href = await page.locator('#receipt-pdf').getAttribute('href');
  const pdf = await page.request.get(`${base}${href}`);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  await page.context().close();
});

test('Back from the receipt and Send again shows the first receipt', async () => {
  const page = await newPage(PHONE);
  await page.goto(`${base}/submit`);
  await page.getByLabel('Похвала', { exact: true }).check();
  await page.getByLabel('Заглавие', { exact: true }).fill('Благодарност за бързия ремонт');
  await page.getByLabel('Текст', { exact: true }).fill('Уличното осветление беше поправено за един ден.');
  await page.getByLabel(/^Име и фамилия/).fill('Иван Петров');
  await page.getByLabel(/^Телефон/).fill('0888 123 456');
  await page.getByLabel(/Съгласен/).check();
  await page.getByRole('button', { name: 'Изпрати' }).click();
  await page.locator('#receipt-number').waitFor();
  const receipt = page.url();
  const number = (await page.locator('#receipt-number').textContent()).trim();
  // Back shows the form as it was (kept in the browser's history, token and all); sending it
  // again is the same form, so it leads to the same receipt.
  await page.goBack();
  assert.equal(await page.getByLabel('Заглавие', { exact: true }).inputValue(), 'Благодарност за бързия ремонт');
  if (!(await page.getByLabel(/Съгласен/).isChecked())) await page.getByLabel(/Съгласен/).check();
  await page.getByRole('button', { name: 'Изпрати' }).click();
  await page.locator('#receipt-number').waitFor();
  assert.equal(page.url(), receipt);
  assert.equal((await page.locator('#receipt-number').textContent()).trim(), number);
  await page.context().close();
});

test('a member of staff answers in the back office → the citizen sees the answer and rates it', async () => {
  assert.ok(shared.number, 'the previous test registered a case');
  const staff = await staffPage('kmet');
  await checkA11y(staff, 'staff inbox');
  await staff.goto(`${base}/staff/cases/${shared.number}`);
  await checkA11y(staff, 'staff case');
  await staff.locator('#assign-department_id').selectOption({ label: 'Административно обслужване' });
  await staff.locator('#action-assign').getByRole('button').click();
  await staff.locator('#answer-text').waitFor();
  const answer = 'Удостоверението е готово. Можете да го получите на гише 3.';
  await staff.locator('#answer-text').fill(answer);
  // The letter as it will go out, before it is sent: nothing is sent or stored yet.
  await staff.locator('#action-answer').getByRole('button', { name: 'Преглед', exact: true }).click();
  const letter = staff.locator('article.letter');
  await letter.waitFor();
  assert.match(await staff.locator('h1').textContent(), /Преглед на отговора/);
  const letterText = await letter.textContent();
  assert.match(letterText, /Удостоверението е готово/);
  assert.match(letterText, new RegExp(`вх\\. № ${shared.number}`));
  assert.match(letterText, /ОТНОСНО/);
  await checkA11y(staff, 'staff letter preview');
  await shoot(staff, 'staff-letter-preview-desktop');
  await staff.setViewportSize(PHONE);
  await letter.evaluate((e) => e.scrollIntoView());
  await shoot(staff, 'staff-letter-preview-phone');
  await staff.setViewportSize(DESKTOP);
  // Sent from the preview's own form, the text as it was typed.
  assert.equal(await staff.locator('#answer-text').inputValue(), answer);
  await staff.locator('#action-answer').getByRole('button', { name: 'Изпрати отговора' }).click();
  await staff.getByText('Извършено').waitFor();
  await shootBoth(staff, 'staff-case');
  // On a phone the case's history stacks: each line a box, each cell named.
  await staff.setViewportSize(PHONE);
  await assertFitsPhone(staff, 'staff case');
  await staff.getByRole('heading', { name: 'История' }).evaluate((e) => e.scrollIntoView());
  await shoot(staff, 'staff-case-history-phone');
  await staff.setViewportSize(DESKTOP);
  await staff.goto(`${base}/staff/cases/${shared.number}/portal`);
  assert.ok(await staff.getByRole('link', { name: 'искане.png' }).isVisible());
  await checkA11y(staff, 'staff case files and rating');
  await staff.goto(`${base}/staff/cases/${shared.number}/personal-data`);
  await checkA11y(staff, 'staff personal data');
  await staff.goto(`${base}/staff/overview`);
  await checkA11y(staff, 'staff overview');
  await staff.goto(`${base}/staff/search?q=${encodeURIComponent('удостоверение')}`);
  await checkA11y(staff, 'staff search');
  await staff.goto(`${base}/staff/password`);
  await checkA11y(staff, 'staff password');
  await staff.context().close();

  const page = await newPage();
  await page.goto(`${base}/track`);
  await page.getByLabel('Регистрационен номер', { exact: true }).fill(shared.number);
  await page.getByLabel('Код за проследяване', { exact: true }).fill(shared.code);
  await page.getByRole('button', { name: 'Покажи преписката' }).click();
  await page.locator('#answer').waitFor();
  assert.match(await page.locator('#answer').textContent(), /Удостоверението е готово/);
  assert.equal((await page.locator('#case-status').textContent()).trim(), 'отговорено');
  await checkA11y(page, 'track (answered, survey)');
  await shootBoth(page, 'track-answer');
  await page.getByLabel('4 — доволен/доволна').check();
  await page.locator('#on_time-yes').check();
  await page.getByRole('button', { name: 'Изпрати оценката' }).click();
  await page.getByText('Оценката Ви е записана').waitFor();
  assert.ok(await page.getByText('Оценихте обслужването с').isVisible());
  await page.context().close();
});

test('a reception visit is booked, moved and cancelled', async () => {
  const page = await newPage();
  await page.goto(`${base}/reception`);
  await checkA11y(page, 'reception');
  await page.getByLabel('Кмет на Община Хасково').check();
  const options = page.locator('#day option');
  const day = await options.nth(1).getAttribute('value');
  await page.locator('#day').selectOption(day);
  await page.getByRole('button', { name: 'Покажи свободните часове' }).click();
  const slot = page.locator('input[name="slot"]').first();
  await slot.waitFor();
  const time = await slot.getAttribute('value');
  await checkA11y(page, 'reception (free times)');
  await shootBoth(page, 'reception');

  // Missing fields are named next to them.
  await page.getByRole('button', { name: 'Запиши ме' }).click();
  await page.locator('#name-error').waitFor();
  assert.ok(await page.locator('#slot-error').isVisible());
  assert.ok(await page.locator('#consent-error').isVisible());

  await page.locator(`input[name="slot"][value="${time}"]`).check();
  await page.getByLabel(/^Име и фамилия/).fill('Мария Георгиева');
  await page.getByLabel(/^Телефон/).fill('0877 555 010');
  await page.getByLabel('По какъв въпрос?').fill('Ремонт на улицата');
  await page.getByLabel(/Съгласен/).check();
  await page.getByRole('button', { name: 'Запиши ме' }).click();
  await page.locator('#booking-code').waitFor();
  const code = (await page.locator('#booking-code').textContent()).trim();
  assert.equal((await page.locator('#booking-slot').textContent()).trim(), time);
  await checkA11y(page, 'reception (confirmation)');
  const changeLink = await page.locator('#booking-change').getAttribute('href');

  // The slot is gone from the free times.
  await page.goto(`${base}/reception?official=mayor&day=${day}`);
  assert.equal(await page.locator(`input[name="slot"][value="${time}"]`).count(), 0);

  // Staff see the day's list.
  const clerk = await staffPage('clerk');
  await clerk.goto(`${base}/staff/reception?day=${day}`);
  assert.ok(await clerk.getByRole('cell', { name: 'Мария Георгиева' }).isVisible());
  await checkA11y(clerk, 'staff reception list');
  await shootBoth(clerk, 'staff-reception');

  // Moved from the confirmation's link: another day, a free time; the old time is freed.
  await page.goto(`${base}${changeLink}`);
  await page.getByRole('heading', { name: 'Вашият записан час' }).waitFor();
  await checkA11y(page, 'reception visit');
  const newDay = await page.locator('#day option').nth(2).getAttribute('value');
  await page.locator('#day').selectOption(newDay);
  await page.getByRole('button', { name: 'Покажи свободните часове' }).click();
  const newSlot = page.locator('input[name="slot"]').first();
  await newSlot.waitFor();
  const newTime = await newSlot.getAttribute('value');
  await newSlot.check();
  await page.getByRole('button', { name: 'Премести часа' }).click();
  await page.getByRole('heading', { name: 'Часът е преместен' }).waitFor();
  assert.equal((await page.locator('#booking-slot').textContent()).trim(), newTime);
  await checkA11y(page, 'reception (moved)');
  await shootBoth(page, 'reception-moved');
  await page.goto(`${base}/reception?official=mayor&day=${day}`);
  assert.equal(await page.locator(`input[name="slot"][value="${time}"]`).count(), 1, 'the old time is free');

  // Cancelled with the code: first what will be cancelled, then the button.
  await page.goto(`${base}/reception/cancel`);
  await checkA11y(page, 'reception cancel');
  await page.getByLabel('Код за потвърждение', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Покажи часа' }).click();
  await page.getByText('Ще отмените този час:').waitFor();
  assert.equal((await page.locator('#booking-slot').textContent()).trim(), newTime);
  await checkA11y(page, 'reception cancel (confirmation)');
  await page.getByRole('button', { name: 'Да, отменете часа' }).click();
  await page.getByRole('heading', { name: 'Часът е отменен' }).waitFor();
  await page.goto(`${base}/reception?official=mayor&day=${newDay}`);
  assert.equal(await page.locator(`input[name="slot"][value="${newTime}"]`).count(), 1, 'free again');
  // The moved visit is on its new day's list, cancelled.
  await clerk.goto(`${base}/staff/reception?day=${newDay}`);
  assert.ok(await clerk.getByText(/отменен на/).isVisible());
  await clerk.context().close();
  await page.context().close();
});

test('the clerk registers a letter from the post with its scan, prints the receipt and books a caller', async () => {
  const clerk = await staffPage('clerk');
  await clerk.getByRole('link', { name: 'Нова преписка' }).click();
  await clerk.getByRole('heading', { name: 'Нова преписка' }).waitFor();
  await checkA11y(clerk, 'staff desk: new case');
  await shootBoth(clerk, 'staff-desk');

  // Nothing filled in: the errors sit next to their fields.
  await clerk.getByRole('button', { name: 'Регистрирай' }).click();
  await clerk.locator('#kind-error').waitFor();
  for (const id of ['channel', 'subject', 'body', 'name']) {
    assert.ok(await clerk.locator(`#${id}-error`).isVisible(), `${id}-error`);
  }
  await checkA11y(clerk, 'staff desk: errors');
  await shootBoth(clerk, 'staff-desk-errors');

  // Three days ago (today, in the first days of January: the register's year starts then).
  const today = new Date().toISOString().slice(0, 10);
  let received = new Date(Date.now() - 3 * 86400000).toISOString().slice(0, 10);
  if (received.slice(0, 4) !== today.slice(0, 4)) received = today;
  await clerk.locator('#channel-post').check();
  await clerk.locator('#received').fill(received);
  await clerk.locator('#kind-complaint').check();
  await clerk.locator('#subject').fill('Неполучен отговор за разрешение за строеж');
  await clerk.locator('#body').fill('Подадох заявление преди два месеца и не съм получил отговор.');
  await clerk.locator('#bad_administration').check();
  await clerk.locator('#name').fill('Мария Георгиева');
  await clerk.locator('#postal_address').fill('ул. „Славянска“ 12, Хасково');
  await clerk.locator('#consent').check();
  await clerk.locator('#attachments').setInputFiles({
    name: 'писмо.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%scan\n'),
  });
  await clerk.getByRole('button', { name: 'Регистрирай' }).click();
  await clerk.locator('#desk-code').waitFor();
  assert.match(clerk.url(), /\/staff\/desk\/registered\/\d{4}-\d{6}$/);
  const [y, m, d] = received.split('-');
  assert.equal((await clerk.locator('#desk-received').textContent()).trim(), `${d}.${m}.${y}`);
  assert.ok(await clerk.getByText('писмо.pdf').isVisible());
  const number = (await clerk.locator('#desk-number').textContent()).trim();
  await checkA11y(clerk, 'staff desk: registered');
  await shootBoth(clerk, 'staff-desk-registered');

  // The receipt to print, and a reload registers nothing twice.
  const href = await clerk.getByRole('link', { name: /Разписка за подателя/ }).getAttribute('href');
  const pdf = await clerk.request.get(`${base}${href}`);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  await clerk.reload();
  assert.equal((await clerk.locator('#desk-number').textContent()).trim(), number);

  // A caller asks for a visit with the Secretary.
  await clerk.goto(`${base}/staff/reception`);
  await clerk.getByRole('link', { name: 'Записване на час по телефона' }).click();
  await clerk.locator('#official').selectOption('secretary');
  const day = await clerk.locator('#day option').nth(1).getAttribute('value');
  await clerk.locator('#day').selectOption(day);
  await clerk.getByRole('button', { name: 'Покажи свободните часове' }).click();
  await clerk.locator('#slot').waitFor();
  await checkA11y(clerk, 'staff desk: booking for a caller');
  const time = await clerk.locator('#slot option').nth(1).getAttribute('value');
  await clerk.locator('#slot').selectOption(time);
  await clerk.locator('#name').fill('Стоян Колев');
  await clerk.locator('#phone').fill('0899 111 222');
  await clerk.locator('#consent').check();
  await clerk.getByRole('button', { name: 'Запиши часа' }).click();
  await clerk.locator('#visit-code').waitFor();
  assert.ok(await clerk.getByRole('cell', { name: 'Стоян Колев' }).isVisible());
  await checkA11y(clerk, 'staff reception (visit booked)');
  await shootBoth(clerk, 'staff-desk-visit');
  await clerk.context().close();
});

test('at 390 px the tables stack, nothing scrolls sideways and chart labels are at least 12 px', async () => {
  const clerk = await staffPage('clerk');
  await clerk.setViewportSize(PHONE);
  await clerk.goto(`${base}/staff`);
  const inbox = await assertFitsPhone(clerk, 'staff inbox');
  assert.ok(inbox.tables.length >= 1 && inbox.tables[0].rows >= 1, 'the inbox has rows');
  // The key columns are there, each named: the number (a link), the subject and the deadline.
  const first = clerk.locator('table.stacked tbody tr').first();
  assert.ok(await first.locator('th[data-label="Номер"] a').isVisible());
  assert.ok(await first.locator('td[data-label="Относно"]').isVisible());
  assert.ok(await first.locator('td[data-label="Краен срок"]').isVisible());
  await clerk.locator('table.stacked caption').first().evaluate((e) => e.scrollIntoView());
  await shoot(clerk, 'staff-inbox-phone');
  await first.locator('a').first().click();
  await clerk.locator('h1').waitFor();
  await assertFitsPhone(clerk, 'staff case (clerk)');
  for (const path of ['/staff/reception', '/staff/search?q=%D1%83%D0%BB%D0%B8%D1%86%D0%B0']) {
    await clerk.goto(`${base}${path}`);
    await assertFitsPhone(clerk, path);
  }
  await clerk.goto(`${base}/staff/statistics`);
  const staffStats = await assertFitsPhone(clerk, 'staff statistics');
  assert.ok(staffStats.charts.length >= 3, `${staffStats.charts.length} charts`);
  await clerk.context().close();

  const admin = await staffPage('admin');
  await admin.setViewportSize(PHONE);
  for (const path of ['/staff/admin', '/staff/admin/outbox', '/staff/journal', '/staff/admin/pages']) {
    await admin.goto(`${base}${path}`);
    await assertFitsPhone(admin, path);
  }
  await admin.context().close();
  const kmet = await staffPage('kmet');
  await kmet.setViewportSize(PHONE);
  await kmet.goto(`${base}/staff/overview`);
  await assertFitsPhone(kmet, 'staff overview');
  await kmet.context().close();

  // The portal: the statistics with their charts, the annual report, a tracked case.
  const page = await newPage(PHONE);
  await page.goto(`${base}/statistics?lang=bg`);
  const stats = await assertFitsPhone(page, 'statistics');
  assert.ok(stats.charts.length >= 8, `${stats.charts.length} charts`);
  // The first section with a chart: its heading, the chart with its legend.
  await page.locator('svg.chart').first().evaluate((e) => e.closest('section').scrollIntoView());
  await shoot(page, 'statistics-phone');
  await page.goto(`${base}/statistics?lang=en`);
  await assertFitsPhone(page, 'statistics (English)');
  await page.goto(`${base}/statistics/report/${new Date().getFullYear()}?lang=bg`);
  await assertFitsPhone(page, 'annual report');
  if (shared.number) {
    await page.goto(`${base}/track`);
    await page.getByLabel('Регистрационен номер', { exact: true }).fill(shared.number);
    await page.getByLabel('Код за проследяване', { exact: true }).fill(shared.code);
    await page.getByRole('button', { name: 'Покажи преписката' }).click();
    await page.locator('#case-status').waitFor();
    await assertFitsPhone(page, 'track (case)');
  }
  await page.context().close();
});

test('the keyboard reaches everything; text size, contrast and language persist', async () => {
  const page = await newPage();
  await page.goto(`${base}/`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  assert.ok(await page.locator('a.skip').isVisible(), 'the skip link shows when focused');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  // A focused link is visibly marked.
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).backgroundColor);
  assert.notEqual(outline, 'rgba(0, 0, 0, 0)', 'focus is visible');

  // A+ and high contrast by keyboard, and they stay on the next page.
  await page.getByRole('button', { name: /A\+/ }).focus();
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await page.getByRole('button', { name: 'Висок контраст' }).focus();
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await page.goto(`${base}/track`);
  assert.equal(await page.locator('html').getAttribute('class'), 'size-large contrast');
  await checkA11y(page, 'track (large text, high contrast)');
  await page.goto(`${base}/`);
  await checkA11y(page, 'home (large text, high contrast)');
  await shootBoth(page, 'home-contrast');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /^A\s/ }).click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Висок контраст' }).click()]);
  assert.equal(await page.locator('html').getAttribute('class'), null);

  await page.getByRole('link', { name: 'English' }).click();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.goto(`${base}/submit`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.ok(await page.getByRole('heading', { name: /What are you sending/ }).isVisible());
  await checkA11y(page, 'submit (English)');
  await page.getByRole('link', { name: 'Български' }).click();
  assert.equal(await page.locator('html').getAttribute('lang'), 'bg');
  await page.context().close();
});

test('axe-core: every public page', async () => {
  const page = await newPage();
  for (const [path, name] of [
    ['/', 'home'], ['/submit', 'submit'], ['/track', 'track'], ['/charter', 'charter'],
    ['/contacts', 'contacts'], ['/channels', 'channels'], ['/privacy', 'privacy'],
    ['/?lang=en', 'home (English)'], ['/charter?lang=en', 'charter (English)'],
    ['/statistics?lang=bg', 'statistics'], ['/statistics?lang=en', 'statistics (English)'],
    [`/statistics/report/${new Date().getFullYear()}?lang=bg`, 'annual report'],
  ]) {
    await page.goto(`${base}${path}`);
    await checkA11y(page, name);
  }
  // The statistics with the demo's months of cases: every chart has its table.
  await page.goto(`${base}/statistics?lang=bg`);
  const charts = await page.locator('svg.chart[role="img"]').count();
  assert.ok(charts >= 8, `${charts} charts`);
  assert.equal(await page.locator('figure.chart-figure + .table-wrap table caption').count(), charts);
  await page.screenshot({
    path: join(SCREENS, 'statistics.png'),
    fullPage: true,
    clip: { x: 0, y: 0, width: DESKTOP.width, height: 2600 },
  });
  for (const [path, name] of [['/', 'home'], ['/charter', 'charter'], ['/track', 'track'], ['/contacts', 'contacts']]) {
    await page.goto(`${base}${path}?lang=bg`);
    await shootBoth(page, name);
  }
  // A wrong tracking code: the error page.
  await page.goto(`${base}/track`);
  await page.getByLabel('Регистрационен номер', { exact: true }).fill('2026-000001');
  await page.getByLabel('Код за проследяване', { exact: true }).fill('AAAA-BBBB-CCCC');
  await page.getByRole('button', { name: 'Покажи преписката' }).click();
  await page.locator('#not-found').waitFor();
  await checkA11y(page, 'track (not found)');
  await page.context().close();
});

test('axe-core: every back-office page', async () => {
  const login = await newPage();
  await login.goto(`${base}/staff/login`);
  await checkA11y(login, 'staff login');
  await login.getByRole('button', { name: 'Вход' }).click();
  await checkA11y(login, 'staff login (errors)');
  await login.context().close();

  const admin = await staffPage('admin');
  for (const [path, name] of [
    ['/staff/admin', 'staff admin'], ['/staff/journal', 'staff journal'],
    ['/staff/admin/pages', 'staff portal pages'], ['/staff/admin/pages/charter', 'staff page editor'],
    ['/staff/password', 'staff password (admin)'],
  ]) {
    await admin.goto(`${base}${path}`);
    await checkA11y(admin, name);
  }
  // The administrator edits the charter; citizens see the new text.
  await admin.goto(`${base}/staff/admin/pages/charter`);
  const text = await admin.locator('#body_bg').inputValue();
  await admin.locator('#body_bg').fill(`${text}\n\n## Допълнение\nПриемът в петък е до 16:00 ч.`);
  await admin.getByRole('button', { name: 'Запиши' }).click();
  await admin.getByText('Текстът е записан').waitFor();
  await checkA11y(admin, 'staff page editor (saved)');
  await admin.goto(`${base}/charter`);
  assert.ok(await admin.getByRole('heading', { name: 'Допълнение' }).isVisible());
  await admin.context().close();

  const clerk = await staffPage('clerk');
  await clerk.goto(`${base}/staff`);
  await checkA11y(clerk, 'staff inbox (clerk)');
  const first = clerk.locator('table a[href^="/staff/cases/"]').first();
  await first.click();
  await clerk.locator('h1').waitFor();
  await checkA11y(clerk, 'staff case (clerk, with forms)');
  // A refused form: errors next to the fields.
  const triage = clerk.locator('#action-assign');
  if (await triage.count()) {
    await triage.getByRole('button').click();
    await clerk.locator('.alert, .error').first().waitFor();
    await checkA11y(clerk, 'staff case (refused form)');
  }
  await clerk.goto(`${base}/staff/statistics`);
  await checkA11y(clerk, 'staff statistics');
  const roads = clerk.locator('#departments-table tbody a').first();
  if (await roads.count()) {
    await roads.click();
    await clerk.locator('#department-figures').waitFor();
    await checkA11y(clerk, 'staff statistics (one department)');
  }
  await clerk.goto(`${base}/staff/admin`);
  await checkA11y(clerk, 'staff error page (forbidden)');
  await clerk.context().close();
});

test('the journal reads as an auditor needs it, filters, exports, and fits a phone', async () => {
  // A member of staff without the right is refused the journal, and the refusal is journalled.
  const clerk = await staffPage('clerk');
  const refused = await clerk.goto(`${base}/staff/journal`);
  assert.equal(refused.status(), 403);
  await clerk.context().close();

  const admin = await staffPage('admin');
  await admin.goto(`${base}/staff/journal`);
  await admin.getByText('Веригата на дневника е непокътната').waitFor();
  const table = admin.locator('.journal-table');
  assert.ok(await table.getByText('Регистриране на постъпление').first().isVisible());
  await checkA11y(admin, 'staff journal');
  await shoot(admin, 'staff-journal-desktop');
  // No sideways scrolling on a phone: the rows stack (the picture shows the first entries).
  await admin.setViewportSize(PHONE);
  const overflow = await admin.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `the journal scrolls sideways by ${overflow}px at 390px`);
  await admin.locator('.journal-table tbody tr').first().scrollIntoViewIfNeeded();
  await admin.locator('p[role="status"]').first().evaluate((e) => e.scrollIntoView());
  await shoot(admin, 'staff-journal-phone');
  await admin.setViewportSize(DESKTOP);

  // Filtered to refused access: who, what permission, why.
  await admin.getByLabel('Действие', { exact: true }).selectOption({ label: 'Отказан достъп' });
  await admin.getByRole('button', { name: 'Покажи' }).click();
  await admin.waitForURL(/action=access_denied/);
  assert.ok((await admin.locator('.journal-table tbody tr').count()) >= 1);
  assert.ok(await table.getByText('Поискано право: преглед на журнала').first().isVisible());
  assert.ok(await table.getByText('Петър Деловодов').first().isVisible());
  await checkA11y(admin, 'staff journal (filtered)');

  // The same entries as a CSV for Bulgarian Excel.
  const csv = await admin.request.get(`${base}/staff/journal.csv?action=access_denied`);
  assert.equal(csv.status(), 200);
  const bytes = await csv.body();
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8');
  assert.match(text, /^\uFEFF№;Дата и час;Кой;Роля;Действие;Преписка;Подробности/);
  assert.match(text, /Отказан достъп/);
  await admin.context().close();
});

test('the officer asks for information; the citizen answers with a file at phone width; the officer sees it', async () => {
  // An application, sent on the portal.
  const citizen = await newPage(PHONE);
  await citizen.goto(`${base}/submit`);
  await citizen.getByLabel('Заявление или искане', { exact: true }).check();
  await citizen.getByLabel('Заглавие', { exact: true }).fill('Разрешение за ремонт на тротоар');
  await citizen.getByLabel('Текст', { exact: true }).fill('Моля за разрешение за ремонт на тротоара пред дома ми.');
  await citizen.getByLabel(/^Име и фамилия/).fill('Мария Иванова');
  await citizen.getByLabel(/^Телефон/).fill('0888 765 432');
  await citizen.getByLabel(/Съгласен/).check();
  await citizen.getByRole('button', { name: 'Изпрати' }).click();
  await citizen.locator('#receipt-number').waitFor();
  const number = (await citizen.locator('#receipt-number').textContent()).trim();
  const code = (await citizen.locator('#receipt-code').textContent()).trim();

  // The officer (the Mayor's office reaches any case) asks, and writes a note for colleagues.
  const staff = await staffPage('kmet');
  await staff.goto(`${base}/staff/cases/${number}`);
  await staff.locator('#ask-text').fill('Моля, приложете скица на тротоара с размерите.');
  await staff.locator('#ask-form').getByRole('button', { name: 'Изпрати искането' }).click();
  await staff.getByText('Извършено: поискана е информация от подателя').waitFor();
  await staff.locator('#note-text').fill('ВЪТРЕШНО: да се провери в архива дали има стара скица.');
  await staff.locator('#note-form').getByRole('button', { name: 'Запиши бележката' }).click();
  await staff.getByText('Извършено: записана е вътрешна бележка').waitFor();
  assert.match(await staff.locator('#awaiting').textContent(), /Очаква се информация от подателя/);
  assert.match(await staff.locator('#awaiting').textContent(), /спрян/);
  await checkA11y(staff, 'staff case (conversation)');

  // The citizen, on a phone, sees the request and the stopped term — never the note.
  await citizen.goto(`${base}/track`);
  await citizen.getByLabel('Регистрационен номер', { exact: true }).fill(number);
  await citizen.getByLabel('Код за проследяване', { exact: true }).fill(code);
  await citizen.getByRole('button', { name: 'Покажи преписката' }).click();
  await citizen.locator('#awaiting').waitFor();
  assert.match(await citizen.locator('#answer-due').textContent(), /спрян/);
  assert.ok(await citizen.getByText('Моля, приложете скица на тротоара с размерите.').isVisible());
  assert.equal(await citizen.getByText(/ВЪТРЕШНО/).count(), 0, 'the note is never shown');
  await assertFitsPhone(citizen, 'track (request)');
  await checkA11y(citizen, 'track (request for information)');
  await shoot(citizen, 'track-request-phone');
  await citizen.locator('#conversation-title').evaluate((e) => e.scrollIntoView());
  await shoot(citizen, 'track-request-form-phone');

  // Sent empty: the error sits by the field, in Bulgarian.
  await citizen.locator('#send-message').click();
  await citizen.locator('#text-error').waitFor();
  assert.match(await citizen.locator('#text-error').textContent(), /Напишете отговора/);
  const described = await citizen.locator('#text').getAttribute('aria-describedby');
  assert.ok(described && described.includes('text-error'), `aria-describedby ${described}`);
  await checkA11y(citizen, 'track (message errors)');
  await citizen.locator('label[for="text"]').evaluate((e) => e.scrollIntoView());
  await shoot(citizen, 'track-message-error-phone');

  // The answer, with the sketch.
  await citizen.locator('#text').fill('Прилагам скицата с размерите на тротоара.');
  await citizen.locator('#attachments').setInputFiles({ name: 'скица.png', mimeType: 'image/png', buffer: PNG });
  await citizen.locator('#send-message').click();
  await citizen.locator('#sent').waitFor();
  assert.match(await citizen.locator('#answer-due').textContent(), /\d\d\.\d\d\.\d{4}/, 'the term runs anew');
  assert.ok(await citizen.getByText('Прилагам скицата с размерите на тротоара.').isVisible());
  assert.ok(await citizen.getByText('скица.png').isVisible());
  assert.equal(await citizen.locator('#awaiting').count(), 0);
  await assertFitsPhone(citizen, 'track (answered)');
  await checkA11y(citizen, 'track (answer sent)');
  await shoot(citizen, 'track-answered-phone');
  await citizen.locator('#answer-due').evaluate((e) => e.scrollIntoView());
  await shoot(citizen, 'track-answered-due-phone');
  await citizen.context().close();

  // The officer sees the answer with its file, and the new date.
  await staff.goto(`${base}/staff/cases/${number}`);
  const conversation = staff.locator('#conversation');
  assert.match(await conversation.textContent(), /Прилагам скицата/);
  assert.ok(await conversation.getByRole('link', { name: 'скица.png' }).isVisible());
  assert.equal(await staff.locator('#awaiting').count(), 0);
  await conversation.evaluate((e) => e.scrollIntoView());
  await shoot(staff, 'staff-conversation-desktop');
  await staff.setViewportSize(PHONE);
  await assertFitsPhone(staff, 'staff case (conversation)');
  await conversation.evaluate((e) => e.scrollIntoView());
  await shoot(staff, 'staff-conversation-phone');
  await staff.setViewportSize(DESKTOP);

  // Less mail: the officer chooses one digest a day.
  await staff.goto(`${base}/staff/password`);
  await staff.getByRole('link', { name: /Писма за моите преписки/ }).click();
  await staff.getByLabel(/Дневен обзор/).check();
  await staff.getByRole('button', { name: 'Запиши' }).click();
  await staff.getByText('Изборът е записан.').waitFor();
  assert.ok(await staff.getByLabel(/Дневен обзор/).isChecked());
  await checkA11y(staff, 'staff mail (digest)');
  await staff.context().close();
});
