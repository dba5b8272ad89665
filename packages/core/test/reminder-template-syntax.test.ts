import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/index';
import { parseTemplate, placeholdersOf, renderTemplate } from '../src/reminder/reminder-template-syntax';

const render = (template: string, values: Record<string, string>) => renderTemplate(parseTemplate(template, 'sentence', 'test'), values);

function failure(template: string, role: 'sentence' | 'reason' | 'source' = 'sentence'): ValidationError {
  try {
    parseTemplate(template, role, 'templates.fr.email-footer');
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`"${template}" parsed`);
}

describe('reminder template syntax', () => {
  it('replaces placeholders and keeps the rest as written', () => {
    expect(render('Vous recevez {purpose} le {date}.', { purpose: 'cette newsletter', date: '19 septembre 2012' })).toBe(
      'Vous recevez cette newsletter le 19 septembre 2012.',
    );
  });

  it('drops an optional part when a placeholder in it is empty', () => {
    expect(render('at {name}[ ({place})]', { name: 'Fair', place: 'Lyon' })).toBe('at Fair (Lyon)');
    expect(render('at {name}[ ({place})]', { name: 'Fair', place: '' })).toBe('at Fair');
    expect(render('at {name}[ ({place}, {campaign})].', { name: 'Fair', place: 'Lyon' })).toBe('at Fair.');
    expect(render('[always]', {})).toBe('always');
  });

  it('reads doubled braces and brackets as literals', () => {
    expect(render('{{name}} [[x]] {name}}}', { name: 'N' })).toBe('{name} [x] N}');
  });

  it('lists the placeholders it uses, optional parts included', () => {
    expect([...placeholdersOf(parseTemplate('{purpose} {reason}[ {place}]', 'sentence', 'test'))].sort()).toEqual(['place', 'purpose', 'reason']);
  });

  it('rejects malformed templates with the path and a reason to act on', () => {
    expect(failure('Vous {purpose').reason).toMatch(/malformed placeholder/);
    expect(failure('Vous {purpose}}').reason).toMatch(/unmatched }/);
    expect(failure('Vous {nom}').reason).toMatch(/unknown placeholder \{nom\}.*\{purpose\}/);
    expect(failure('a [b [c] d]').reason).toMatch(/cannot nest/);
    expect(failure('a ] b').reason).toMatch(/unmatched ]/);
    expect(failure('a [b').reason).toMatch(/never closed/);
    expect(failure('Vous {purpos}').path).toBe('templates.fr.email-footer');
  });

  it('keeps each placeholder to the templates it belongs in', () => {
    expect(() => parseTemplate('{reason}', 'sentence', 'test')).not.toThrow();
    expect(failure('{reason}', 'reason').reason).toMatch(/unknown placeholder \{reason\}/);
    expect(failure('{source}', 'source').reason).toMatch(/unknown placeholder \{source\}/);
  });
});
