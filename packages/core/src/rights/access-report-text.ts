import type { AccessReport } from './access-report';
import { createReportPhrases, layoutAccessReport, type AccessReportRenderOptions } from './access-report-layout';
import { writeText } from './report-document';

/**
 * The access report as plain text (for an email reply or a letter), in French or English.
 * Values from the trails are flattened to one line each (multi-line wording keeps its lines,
 * indented) and wrapped in Unicode isolates when they could change the direction of the line;
 * erased values read "[effacé]" / "[erased]".
 */
export function renderAccessReportText(report: AccessReport, options: AccessReportRenderOptions): string {
  const phrases = createReportPhrases(options, 'text');
  const { blocks } = layoutAccessReport(report, phrases);
  return `${writeText(blocks, { colon: phrases.labels.colon })}\n`;
}
