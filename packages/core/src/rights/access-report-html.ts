import { escapeHtml } from '../reminder/html-escape';
import type { AccessReport } from './access-report';
import { createReportPhrases, layoutAccessReport, type AccessReportRenderOptions } from './access-report-layout';
import { writeHtml } from './report-document';
import { textInline } from './report-format';

// Inline so the page is one file that prints as it shows; no script, no external resource.
const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; }
h2 { font-size: 1.25rem; margin: 2.5rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid #1a1a1a; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
section section { margin: 0 0 1.25rem; padding: .25rem 1rem .75rem; border: 1px solid #d0d0d0; border-radius: 6px; break-inside: avoid; }
p { margin: .4rem 0; }
p.note { color: #4a4a4a; }
p.ok { color: #14532d; }
p.warning { color: #7c2d12; font-weight: 600; }
dl { display: grid; grid-template-columns: minmax(10rem, max-content) 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dl > div { display: contents; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { text-align: start; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #e0e0e0; overflow-wrap: anywhere; }
thead th { background: #f2f2f2; border-bottom: 2px solid #c8c8c8; }
tr.details td { font-size: .88rem; color: #333; padding-top: 0; padding-inline-start: 1.5rem; }
tr.details p { margin: .25rem 0 0; font-weight: 600; }
ul { margin: .25rem 0 .5rem; padding-inline-start: 1.25rem; }
bdi.block { display: block; white-space: pre-wrap; padding: .4rem .6rem; background: #f7f7f7; border-inline-start: 3px solid #c8c8c8; }
@media print {
  @page { margin: 1.6cm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-before: auto; break-after: avoid; }
  h3 { break-after: avoid; }
  tr, dl > div { break-inside: avoid; }
  thead { display: table-header-group; }
  p.ok, p.warning { color: #000; }
}
`;

/**
 * The access report as a complete, printable HTML page (inline CSS with print styles, `lang`
 * attribute) in French or English. Every value from the trails is escaped and placed in a `<bdi>`
 * (direction isolated: a right-to-left name or an override character reorders nothing around it);
 * the page has no script and loads nothing. Erased values read "[effacé]" / "[erased]".
 */
export function renderAccessReportHtml(report: AccessReport, options: AccessReportRenderOptions): string {
  const phrases = createReportPhrases(options, 'html');
  const { title, blocks } = layoutAccessReport(report, phrases);
  // <title> holds text only: the subject goes in with Unicode isolates, escaped.
  const documentTitle = `${escapeHtml(title)} — ${escapeHtml(textInline(report.subject))}`;
  return `<!DOCTYPE html>
<html lang="${options.locale}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${documentTitle}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${writeHtml(blocks)}
</main>
</body>
</html>
`;
}
