// Smoke check of the browser set-up: Chromium renders a page that runs a script.
// Usage: node tests/browser/smoke.mjs  (prints "ok" or exits 1)
import { launch } from './chromium.mjs';

const context = await launch();
try {
  const page = await context.newPage();
  await page.setContent('<p id="p">x</p><script>document.getElementById("p").textContent = "ok"</script>');
  const text = await page.textContent('#p');
  if (text !== 'ok') {
    console.error(`expected "ok", got ${JSON.stringify(text)}`);
    process.exit(1);
  }
  console.log('ok');
} finally {
  await context.close();
}
