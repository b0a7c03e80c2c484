// Opens the ops console in a real headless browser (the system's chromium, driven by playwright-core)
// and waits until it shows what the caller expects, then saves a screenshot.
//
//   node console.mjs <console url> <screenshot.png> live <node>...     every node serving, its probe
//                                                                     tile green, its rates moving
//   node console.mjs <console url> <screenshot.png> stopped <node>     that node silent, its tile red
//
// Prints what it saw as one JSON line; exits 1 when the console did not get there within 90 s.
import { chromium } from 'playwright-core'

const [url, screenshot, phase, ...nodes] = process.argv.slice(2)
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium' })
const page = await browser.newPage({ viewport: { width: 1400, height: 1200 } })
const errors = []
page.on('pageerror', e => errors.push(String(e)))
await page.goto(url)

const seen = () => page.evaluate(() => ({
  status: document.getElementById('status').textContent,
  nodes: [...document.querySelectorAll('#nodes tbody tr')].map(r => ({ node: r.dataset.node, state: r.dataset.state })),
  probe: [...document.querySelectorAll('#probe .tile[data-node]')].map(t => ({ node: t.dataset.node, ok: t.dataset.ok === 'true', text: t.textContent })),
  values: Object.fromEntries([...document.querySelectorAll('td[data-key]')].map(c => [c.dataset.key, c.textContent]))
}))

const deadline = Date.now() + 90_000
let last, firstStatus
let done = false
while (!done && Date.now() < deadline) {
  last = await seen()
  firstStatus ??= last.status
  if (phase === 'live') {
    done = nodes.every(n => last.nodes.some(r => r.node === n && r.state === 'serving')
        && last.probe.some(t => t.node === n && t.ok)
        && Number(last.values[`n.${n}.envelopes_per_s`]) > 0)
      && Number(last.values['g.requests.publish_per_s']) > 0
      && last.status !== firstStatus // the page updates by itself
  } else if (phase === 'stopped') {
    done = nodes.every(n => last.nodes.some(r => r.node === n && r.state === 'silent')
        && last.probe.some(t => t.node === n && !t.ok))
  } else {
    throw new Error('phase must be live or stopped')
  }
  if (!done) await page.waitForTimeout(500)
}
await page.screenshot({ path: screenshot, fullPage: true })
await browser.close()
console.log(JSON.stringify({ done, errors, ...last }))
process.exit(done && errors.length === 0 ? 0 : 1)
