/**
 * The HTML pages, as plain strings. Every value that came from a request or from the CRM goes
 * through `escapeHtml`; the only HTML inserted as is comes from this file and from core's reminder in
 * `format: 'html'`, which escapes its own data.
 */
import type { FieldProblem } from './consent-recorder';
import { CONSENT_WORDING, PAGE_COPY, type PageLocale } from './signup-copy';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** `{key}` replaced by the escaped value; the template itself is trusted copy, escaped too. */
function fill(template: string, values: Record<string, string>): string {
  return escapeHtml(template).replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? `<strong>${escapeHtml(values[key]!)}</strong>` : whole));
}

export const STYLESHEET = `
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2430; }
main { max-width: 34rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: .5rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
h1 { font-size: 1.5rem; margin-top: 0; }
.field { margin: 1rem 0; }
.field label { display: block; font-weight: 600; }
.field input[type=email], .field input[type=text] { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; border: 1px solid #9aa3b0; border-radius: .25rem; }
.consent { display: flex; gap: .5rem; align-items: flex-start; }
.consent label { font-weight: normal; }
.error { display: block; color: #b00020; font-size: .9rem; }
.error:empty { display: none; }
[aria-invalid=true] { border-color: #b00020 !important; }
.notice { background: #fff8e1; border-left: 4px solid #f5b700; padding: .75rem 1rem; }
.reminder { background: #eef6ff; border-left: 4px solid #2f6fde; padding: .75rem 1rem; }
.alert { color: #b00020; }
button { font: inherit; padding: .5rem 1.25rem; border: 0; border-radius: .25rem; background: #2f6fde; color: #fff; cursor: pointer; }
`;

function layout(locale: PageLocale, title: string, body: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface FormValues {
  email: string;
  firstName: string;
  consentTicked: boolean;
}

/** The sign-up form, empty or with the values sent and the problems found, each next to its field. */
export function renderFormPage(locale: PageLocale, values: FormValues = { email: '', firstName: '', consentTicked: false }, problems: readonly FieldProblem[] = []): string {
  const copy = PAGE_COPY[locale];
  const problemOf = (field: FieldProblem['field']) => problems.find((problem) => problem.field === field);
  const error = (field: FieldProblem['field']) => {
    const problem = problemOf(field);
    const text = !problem ? '' : field === 'consent' ? copy.consentRequired : problem.reason;
    return `<span class="error" id="${field}-error"${problem ? ` data-path="${escapeHtml(problem.path)}"` : ''}>${escapeHtml(text)}</span>`;
  };
  const invalid = (field: FieldProblem['field']) => (problemOf(field) ? ' aria-invalid="true"' : '');
  const other: PageLocale = locale === 'en' ? 'fr' : 'en';
  return layout(
    locale,
    copy.title,
    `<h1>${escapeHtml(copy.title)}</h1>
<p>${escapeHtml(copy.intro)}</p>
${problems.length > 0 ? `<p class="alert" role="alert">${escapeHtml(copy.invalidForm)}</p>` : ''}
<form method="post" action="/signup" novalidate>
<input type="hidden" name="lang" value="${locale}">
<p class="field"><label for="email">${escapeHtml(copy.emailLabel)}</label>
<input id="email" name="email" type="email" autocomplete="email" value="${escapeHtml(values.email)}" aria-describedby="email-error"${invalid('email')}>
${error('email')}</p>
<p class="field"><label for="firstName">${escapeHtml(copy.firstNameLabel)}</label>
<input id="firstName" name="firstName" type="text" autocomplete="given-name" value="${escapeHtml(values.firstName)}" aria-describedby="firstName-error"${invalid('firstName')}>
${error('firstName')}</p>
<p class="field consent"><input id="consent" name="consent" type="checkbox" value="yes"${values.consentTicked ? ' checked' : ''} aria-describedby="consent-error"${invalid('consent')}>
<label for="consent" id="consent-wording">${escapeHtml(CONSENT_WORDING[locale])}</label></p>
${error('consent')}
${error('form')}
<button type="submit">${escapeHtml(copy.submit)}</button>
</form>
<p><a href="/?lang=${other}" hreflang="${other}" lang="${other}">${escapeHtml(PAGE_COPY[locale].otherLanguage)}</a></p>`,
  );
}

/** After the submission: the confirmation link was "sent"; in demo mode it is shown here too. */
export function renderCheckInboxPage(locale: PageLocale, email: string, demoLink: string | undefined): string {
  const copy = PAGE_COPY[locale];
  return layout(
    locale,
    copy.checkInboxTitle,
    `<h1>${escapeHtml(copy.checkInboxTitle)}</h1>
<p id="check-inbox">${fill(copy.checkInbox, { email })}</p>
${demoLink ? `<p class="notice">${escapeHtml(copy.demoNotice)}<br><a id="confirmation-link" href="${escapeHtml(demoLink)}">${escapeHtml(demoLink)}</a></p>` : ''}`,
  );
}

/**
 * After the link was followed: a welcome with the reminder sentence. `reminderHtml` is core's
 * `generateReminder(..., { format: 'html' })` output, already escaped; `firstName` comes from the CRM.
 */
export function renderWelcomePage(locale: PageLocale, firstName: string | undefined, reminderHtml: string | undefined): string {
  const copy = PAGE_COPY[locale];
  const title = firstName ? copy.welcomeTitleNamed.replace('{name}', firstName) : copy.welcomeTitle;
  return layout(
    locale,
    title,
    `<h1 id="welcome">${firstName ? fill(copy.welcomeTitleNamed, { name: firstName }) : escapeHtml(copy.welcomeTitle)}</h1>
<p>${escapeHtml(copy.confirmed)}</p>
<p class="reminder" id="reminder" lang="${locale}">${reminderHtml ?? escapeHtml(copy.noReminder)}</p>`,
  );
}

/** A short page for errors (unknown link, CRM unavailable, not found). */
export function renderMessagePage(locale: PageLocale, title: string, message: string): string {
  return layout(locale, title, `<h1>${escapeHtml(title)}</h1>\n<p id="message">${escapeHtml(message)}</p>\n<p><a href="/?lang=${locale}">${escapeHtml(PAGE_COPY[locale].title)}</a></p>`);
}
