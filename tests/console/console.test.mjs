// The counsellors' console in a real headless Chromium (Debian's, driven by
// playwright-core; nothing is downloaded), against the real service that run.sh
// started on 127.0.0.1. Every page is scanned with axe-core (WCAG 2.1 A/AA and best
// practice): a serious or critical violation fails the test.
//
// Environment (from run.sh): BASE, TOKEN, KIOSK, CLOGIN, CPASS, ALOGIN, APASS, OUT.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const env = (k) => {
  if (!process.env[k]) throw new Error(`run.sh must set ${k}`);
  return process.env[k];
};
const BASE = env('BASE'), TOKEN = env('TOKEN'), OUT = env('OUT');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';

let step = '';
const log = (s) => { step = s; console.log(`console: ${s}`); };

async function api(method, path, body, key) {
  const headers = { Authorization: `Bearer ${TOKEN}` };
  if (body) headers['Content-Type'] = 'application/json';
  if (key) headers['Idempotency-Key'] = key;
  const r = await fetch(BASE + path, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

const scanned = [];
async function axeScan(page, name) {
  await page.addScriptTag({ content: axeSource });
  const res = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = res.violations.filter((v) => !bad.includes(v));
  for (const v of minor) console.log(`console: axe ${name}: ${v.impact} ${v.id} (${v.nodes.length})`);
  assert.equal(bad.length, 0, `axe on ${name}: ` + bad.map((v) =>
    `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('; '));
  scanned.push(name);
  await page.screenshot({ path: `${OUT}/console-${name}.png`, fullPage: true });
}

// The next date (YYYY-MM-DD, Seoul) that falls on weekday w (1 Monday .. 7 Sunday),
// at least `after` days ahead.
function nextWeekday(w, after) {
  const seoul = new Date(Date.now() + 9 * 3600e3);
  for (let d = after; d < after + 8; d++) {
    const t = new Date(seoul.getTime() + d * 86400e3);
    const wd = ((t.getUTCDay() + 6) % 7) + 1;
    if (wd === w) return t.toISOString().slice(0, 10);
  }
  throw new Error('unreachable');
}

async function login(page, user, pass) {
  await page.goto(BASE + '/console/login');
  await page.getByLabel('아이디').fill(user);
  await page.getByLabel('비밀번호').fill(pass);
  await page.getByRole('button', { name: '로그인' }).click();
}

async function logout(page) {
  await page.getByRole('button', { name: '로그아웃' }).click();
  await page.waitForURL(/\/console\/login/);
}

const browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
try {
  // a tablet in portrait, where counsellors use it between sessions
  const ctx = await browser.newContext({
    viewport: { width: 820, height: 1180 }, bypassCSP: true, acceptDownloads: true, locale: 'ko-KR',
  });
  const page = await ctx.newPage();

  log('anonymous visitors land on the log-in page');
  await page.goto(BASE + '/console');
  await page.waitForURL(/\/console\/login$/);
  await axeScan(page, 'login');

  log('a wrong password is refused with a message');
  await login(page, env('CLOGIN'), 'not-the-password');
  await page.getByRole('alert').filter({ hasText: '맞지 않습니다' }).waitFor();

  log('the counsellor logs in');
  await login(page, env('CLOGIN'), env('CPASS'));
  await page.waitForURL(/\/console\/schedule/);
  await page.getByText('김하늘 (' + env('CLOGIN') + ')').waitFor();
  const cookies = await ctx.cookies();
  const sess = cookies.find((c) => c.name === 'jc_session');
  assert.ok(sess && sess.httpOnly && sess.sameSite === 'Strict', 'session cookie flags');
  await axeScan(page, 'schedule-day');

  log('the counsellor sets availability: Sundays 10:00-12:00');
  await page.getByRole('link', { name: /상담 가능 시간/ }).click();
  await axeScan(page, 'availability');
  const addRule = page.locator('form', { has: page.getByRole('heading', { name: /시간 추가/ }) });
  await addRule.getByLabel('요일').selectOption('7');
  await addRule.getByLabel('시작').selectOption('10:00');
  await addRule.getByLabel('끝').selectOption('12:00');
  await addRule.getByRole('button', { name: '추가' }).click();
  await page.getByRole('status').filter({ hasText: '저장했습니다' }).waitFor();
  await page.getByRole('cell', { name: '일요일', exact: true }).waitFor();

  log('an overlapping rule is refused, nothing changes');
  await addRule.getByLabel('요일').selectOption('7');
  await addRule.getByLabel('시작').selectOption('11:00');
  await addRule.getByLabel('끝').selectOption('13:00');
  await addRule.getByRole('button', { name: '추가' }).click();
  await page.getByRole('alert').filter({ hasText: '겹칩니다' }).waitFor();
  assert.equal(await page.getByRole('cell', { name: '일요일', exact: true }).count(), 1);

  log('the API offers the new Sunday slots; a kiosk books one');
  const sunday = nextWeekday(7, 2);
  const slots = await api('GET', `/v1/slots?from=${sunday}&to=${sunday}&counselor=c-01`);
  assert.equal(slots.status, 200);
  const ten = slots.json.items.find((s) => s.starts_at.includes('T10:00'));
  assert.ok(ten, `a 10:00 slot on ${sunday}: ${JSON.stringify(slots.json)}`);
  const body = {
    slot_id: ten.id, topic_id: 'career', name: '홍길동', phone: '010-2345-6789',
    consent: { privacy: true, version: '2026-01' },
  };
  const booked = await api('POST', '/v1/bookings', body, randomUUID());
  assert.equal(booked.status, 201, JSON.stringify(booked.json));
  const code = booked.json.code;

  log('the booking is on the day schedule and in the week');
  await page.goto(`${BASE}/console/schedule?date=${sunday}`);
  const row = page.getByRole('row', { name: /홍길동/ });
  await row.waitFor();
  await axeScan(page, 'schedule-booked');
  await page.getByLabel('보기').selectOption('week');
  await page.getByRole('button', { name: '보기', exact: true }).click();
  await page.getByRole('link', { name: /10:00 진로 상담 · 홍길동/ }).waitFor();
  await axeScan(page, 'schedule-week');

  log('the counsellor opens it and marks it attended');
  await page.getByRole('link', { name: /10:00 진로 상담 · 홍길동/ }).click();
  await page.getByText(code).waitFor();
  await page.getByRole('link', { name: '010-2345-6789' }).waitFor();
  await axeScan(page, 'booking');
  const bookingUrl = page.url();
  await page.getByRole('button', { name: /참석/ }).click();
  await page.getByRole('status').filter({ hasText: '참석으로 표시' }).waitFor();
  await page.locator('.badge.attended').waitFor();

  log('a forged POST without the CSRF token is refused and changes nothing');
  const forged = await page.request.post(bookingUrl, { form: { action: 'no_show' }, maxRedirects: 0 });
  assert.equal(forged.status(), 403);
  const wrong = await page.request.post(bookingUrl, {
    form: { action: 'cancel', reason: 'x', csrf: 'f'.repeat(64) }, maxRedirects: 0,
  });
  assert.equal(wrong.status(), 403);
  const csrf = await page.locator('input[name=csrf]').first().inputValue();
  const crossSite = await page.request.post(bookingUrl, {
    form: { action: 'no_show', csrf }, headers: { Origin: 'http://evil.example' }, maxRedirects: 0,
  });
  assert.equal(crossSite.status(), 403);
  await page.reload();
  await page.locator('.badge.attended').waitFor();
  const held = await api('GET', `/v1/bookings/${code}?phone_last4=6789`);
  assert.equal(held.status, 200);
  assert.equal(held.json.status, 'booked', 'the API keeps its contract statuses');

  log('a second booking is cancelled with a reason; the kiosk side sees it cancelled');
  const eleven = slots.json.items.find((s) => s.starts_at.includes('T11:00'));
  const b2 = await api('POST', '/v1/bookings', { ...body, slot_id: eleven.id, name: '김철수' }, randomUUID());
  assert.equal(b2.status, 201, JSON.stringify(b2.json));
  await page.goto(`${BASE}/console/schedule?date=${sunday}`);
  await page.getByRole('row', { name: /김철수/ }).getByRole('link').click();
  await page.getByLabel(/취소 사유/).fill('상담사 교육 일정');
  await page.getByRole('button', { name: '예약 취소' }).click();
  await page.getByRole('status').filter({ hasText: '예약을 취소했습니다' }).waitFor();
  const c2 = await api('GET', `/v1/bookings/${b2.json.code}?phone_last4=6789`);
  assert.equal(c2.json.status, 'cancelled');
  const again = await api('GET', `/v1/slots?from=${sunday}&to=${sunday}&counselor=c-01`);
  assert.ok(again.json.items.find((s) => s.id === eleven.id).available, 'the slot is free again');

  log('CSV export holds the attended booking');
  await page.getByRole('link', { name: /내보내기/ }).click();
  await axeScan(page, 'export');
  await page.getByLabel('시작일').fill(sunday);
  await page.getByLabel('종료일').fill(sunday);
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'CSV 내려받기' }).click(),
  ]);
  const csv = readFileSync(await dl.path(), 'utf8');
  writeFileSync(`${OUT}/console-export.csv`, csv);
  assert.ok(csv.startsWith('\ufeffdate,start,end,counselor'), 'BOM and header');
  assert.match(csv, new RegExp(`${sunday},10:00,10:50,김하늘,진로 상담,attended,${code},홍길동,010-2345-6789`));
  assert.match(csv, /cancelled,[A-Z0-9]{6},김철수,.*상담사 교육 일정/);

  log('the calendar feed carries the sessions without phone numbers');
  const feedUrl = await page.getByLabel('구독 주소').inputValue();
  const feed = await fetch(feedUrl);
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get('content-type'), /text\/calendar/);
  const ics = await feed.text();
  assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\n') && ics.includes('BEGIN:VEVENT'));
  assert.ok(ics.includes('홍*동') && !ics.includes('010-2345') && !ics.includes('홍길동'));
  assert.ok(ics.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'lines folded at 75 octets');
  assert.equal((await fetch(feedUrl.replace(/[0-9a-f](\.ics)$/, 'x$1'))).status, 404);

  log('follow-ups and the account page');
  await page.getByRole('link', { name: /연락할 요청/ }).click();
  await axeScan(page, 'followups');
  await page.getByRole('link', { name: /내 계정/ }).click();
  await axeScan(page, 'account');

  log('log-out ends the session on the server');
  const before = (await ctx.cookies()).find((c) => c.name === 'jc_session').value;
  await logout(page);
  const after = await fetch(BASE + '/console/schedule', {
    headers: { Cookie: `jc_session=${before}` }, redirect: 'manual',
  });
  assert.equal(after.status, 303, 'the old cookie no longer works');

  log('the admin creates a counsellor account, which can log in');
  await login(page, env('ALOGIN'), env('APASS'));
  await page.waitForURL(/\/console\/schedule/);
  await axeScan(page, 'schedule-admin');
  await page.getByRole('link', { name: /계정 관리/ }).click();
  await axeScan(page, 'users');
  const form = page.locator('form', { has: page.getByRole('heading', { name: /계정 만들기/ }) });
  await form.getByLabel(/아이디/).fill('park.new');
  await form.getByLabel('이름', { exact: true }).fill('박새봄');
  await form.getByLabel(/처음 비밀번호/).fill('spring-2026-pw');
  await form.getByLabel('역할', { exact: true }).selectOption('counselor');
  await form.getByLabel('진로 상담').check();
  await form.getByRole('button', { name: '만들기' }).click();
  await page.getByRole('status').filter({ hasText: '계정을 만들었습니다' }).waitFor();
  await page.getByRole('cell', { name: 'park.new', exact: true }).waitFor();
  log('the admin sees the fleet and pauses the rollout');
  await page.getByRole('link', { name: /키오스크 관리/ }).click();
  await page.getByRole('cell', { name: 'lib-seo-01' }).waitFor();
  await page.getByRole('cell', { name: 'timestamp unavailable' }).waitFor();
  await page.locator('.badge[title="error"]', { hasText: '오류' }).waitFor();
  await axeScan(page, 'fleet');
  log('the admin opens one kiosk: its updates and recent errors');
  await page.getByRole('link', { name: 'lib-seo-01' }).click();
  await page.getByRole('heading', { name: 'lib-seo-01' }).waitFor();
  await page.locator('table', { has: page.getByText('최근 오류') })
    .getByRole('cell', { name: 'timestamp unavailable' }).waitFor();
  await axeScan(page, 'fleet-kiosk');
  await page.getByRole('link', { name: /키오스크 관리$/ }).first().click();
  await page.getByRole('button', { name: '일시 중지' }).click();
  await page.getByRole('status').filter({ hasText: '저장했습니다' }).waitFor();
  await page.locator('.badge[title="paused"]', { hasText: '일시 중지됨' }).waitFor();
  await logout(page);
  await login(page, 'park.new', 'spring-2026-pw');
  await page.waitForURL(/\/console\/schedule/);
  await page.getByText('박새봄 (park.new)').waitFor();
  assert.equal(await page.getByRole('link', { name: /계정 관리/ }).count(), 0, 'no admin menu');
  const denied = await page.goto(BASE + '/console/users');
  assert.equal(denied.status(), 403);
  await logout(page);

  log('repeated wrong passwords are throttled');
  let last = null;
  for (let i = 0; i < 6; i++) {
    await login(page, 'nobody', 'wrong-password-' + i);
    last = await page.getByRole('alert').textContent();
  }
  assert.match(last, /너무 많습니다/);

  log('behind the proxy, one address\'s wrong passwords do not lock out another');
  const from = async (ip) => browser.newContext({ extraHTTPHeaders: { 'X-Real-IP': ip }, locale: 'ko-KR' });
  const attacker = await (await from('203.0.113.7')).newPage();
  for (let i = 0; i < 21; i++) {
    await login(attacker, 'guess' + i, 'wrong-password-' + i);
  }
  await login(attacker, env('CLOGIN'), env('CPASS'));
  assert.match(await attacker.getByRole('alert').textContent(), /너무 많습니다/, 'that address is throttled');
  const counsellor = await (await from('198.51.100.20')).newPage();
  await login(counsellor, env('CLOGIN'), env('CPASS'));
  await counsellor.waitForURL(/\/console\/schedule/);

  console.log(`console: passed; axe scanned ${scanned.length} pages: ${scanned.join(', ')}`);
} catch (e) {
  console.error(`console: FAILED at "${step}"`);
  throw e;
} finally {
  await browser.close();
}
