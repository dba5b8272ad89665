/**
 * A small document tree the rights reports are laid out in once, then written out as plain text or
 * as HTML. Inline strings in the tree are already rendered for the output mode (data escaped or
 * isolated); multi-line data travels raw in `rawBlock` and is rendered by the writer, which knows
 * the indentation (text) or the markup (HTML).
 */
import { htmlBlock, textBlock } from './report-format';

export interface FactItem {
  /** The term, rendered. */
  term: string;
  /** The value, rendered (one line). */
  value?: string;
  /** A multi-line data value, raw: rendered by the writer. */
  rawBlock?: string;
}

export interface TableRow {
  /** One rendered string per column. */
  cells: string[];
  /** Shown under the row (the history of a field). */
  details?: ReportBlock[];
}

export type ReportBlock =
  | { kind: 'heading'; level: 1 | 2 | 3 | 4; text: string }
  | { kind: 'paragraph'; text: string; tone?: 'note' | 'warning' | 'ok' }
  | { kind: 'list'; items: Array<{ text: string; children?: ReportBlock[] }> }
  | { kind: 'facts'; items: FactItem[] }
  | { kind: 'table'; columns: string[]; rows: TableRow[] }
  /** `indent`: in text, the children are indented under the section's first line (a consent under its title). */
  | { kind: 'section'; children: ReportBlock[]; indent?: boolean };

export interface TextLayout {
  /** What separates a term from its value: ": " in English, " : " (no-break space first) in French. */
  colon: string;
  indent?: string;
  /** One line break between blocks instead of a blank line (histories under a table row). */
  compact?: boolean;
}

/** Writes blocks as plain text: headings underlined, lists with dashes, nesting by indentation. */
export function writeText(blocks: readonly ReportBlock[], layout: TextLayout): string {
  const indent = layout.indent ?? '';
  const nested = (more: string, compact = layout.compact) => ({ ...layout, indent: `${indent}${more}`, compact });
  const parts: string[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case 'heading': {
        const underline = block.level === 1 ? '=' : block.level === 2 ? '-' : '';
        parts.push(`${indent}${block.text}${underline ? `\n${indent}${underline.repeat(Math.max(3, [...block.text].length))}` : ''}`);
        break;
      }
      case 'paragraph':
        parts.push(`${indent}${block.text}`);
        break;
      case 'list':
        parts.push(
          block.items
            .map((item) => `${indent}- ${item.text}${item.children?.length ? `\n${writeText(item.children, nested('  ', true))}` : ''}`)
            .join('\n'),
        );
        break;
      case 'facts':
        parts.push(block.items.map((item) => writeTextFact(item, indent, layout.colon)).join('\n'));
        break;
      case 'table':
        parts.push(
          block.rows
            .map((row) => {
              const [first, ...rest] = row.cells;
              const lines = [`${indent}${first ?? ''}`];
              rest.forEach((cell, index) => lines.push(`${indent}  ${block.columns[index + 1] ?? ''}${layout.colon}${cell}`));
              if (row.details?.length) lines.push(writeText(row.details, nested('  ', true)));
              return lines.join('\n');
            })
            .join('\n\n'),
        );
        break;
      case 'section':
        if (block.indent && block.children.length > 1) {
          const [first, ...rest] = block.children;
          parts.push(`${writeText([first!], layout)}\n${writeText(rest, nested('  '))}`);
        } else {
          parts.push(writeText(block.children, layout));
        }
        break;
    }
  }
  return parts.join(layout.compact ? '\n' : '\n\n');
}

function writeTextFact(item: FactItem, indent: string, colon: string): string {
  if (item.rawBlock !== undefined) return `${indent}${item.term}${colon.trimEnd()}\n${textBlock(item.rawBlock, `${indent}    `)}`;
  return `${indent}${item.term}${colon}${item.value ?? ''}`;
}

/** Writes blocks as HTML (the fragments are already escaped). */
export function writeHtml(blocks: readonly ReportBlock[]): string {
  return blocks
    .map((block) => {
      switch (block.kind) {
        case 'heading':
          return `<h${block.level}>${block.text}</h${block.level}>`;
        case 'paragraph':
          return `<p${block.tone ? ` class="${block.tone}"` : ''}>${block.text}</p>`;
        case 'list':
          return `<ul>${block.items.map((item) => `<li>${item.text}${item.children?.length ? writeHtml(item.children) : ''}</li>`).join('')}</ul>`;
        case 'facts':
          return `<dl>${block.items
            .map((item) => `<div><dt>${item.term}</dt><dd>${item.rawBlock !== undefined ? htmlBlock(item.rawBlock) : (item.value ?? '')}</dd></div>`)
            .join('')}</dl>`;
        case 'table':
          return `<table><thead><tr>${block.columns.map((column) => `<th scope="col">${column}</th>`).join('')}</tr></thead><tbody>${block.rows
            .map(
              (row) =>
                `<tr>${row.cells.map((cell, index) => (index === 0 ? `<th scope="row">${cell}</th>` : `<td>${cell}</td>`)).join('')}</tr>${
                  row.details?.length ? `<tr class="details"><td colspan="${block.columns.length}">${writeHtml(row.details)}</td></tr>` : ''
                }`,
            )
            .join('')}</tbody></table>`;
        case 'section':
          return `<section>${writeHtml(block.children)}</section>`;
      }
    })
    .join('\n');
}
