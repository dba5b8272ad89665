/**
 * The preset DEFLATE dictionary of the `ot1` trail format: fragments that recur in compact events, so
 * that even a single event (a 255-byte Mailchimp field) compresses well. Part of the format: never
 * change it; a new dictionary means a new prefix (`ot2:`). Later text costs less to refer to, so the
 * most common fragments come last.
 */
const FRAGMENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'I would like to receive the newsletter. I agree to receive offers by email.',
  'Je souhaite recevoir la newsletter. J\'accepte de recevoir des offres par e-mail.',
  'Unsubscribe link Preference centre Import Partner list Customer purchase Paper form Phone call',
  'lors du Salon lors de la Foire at the Salon Trade show Webinar Conference',
  '@gmail.com@yahoo.com@hotmail.com@outlook.com@orange.fr@free.fr@icloud.com',
  '"firstName""lastName""phone""city""country""company""jobTitle""postalCode""address""language""birthDate"',
  'https://www.example.com/newsletter/signup/subscribe/inscription/preferences?utm_source=',
  '"newsletter","offers","partners","events","product-updates"',
  '{"redacted":true,"digest":"sha256:',
  ',"o":{"i":"',
  ',"g":"',
  '"u":"https://',
  ',"w":"',
  ',"x":"',
  ',"d":{"a":"',
  ',"m":0',
  ',"r":"',
  ',"y":{"k":0',
  ',"y":{"k":1,"i":"',
  ',"f":[{"n":"email","v":"',
  '"},{"n":"',
  '","w":"',
  '{"n":"firstName","v":"',
  ',"p":"newsletter","c":0,"l":0',
  ',"p":"',
  ',"c":',
  ',"l":',
  '{"d":"',
  ',"v":null',
  ',"v":"',
  ',"h":"',
  ',"z":"',
  '","a":"',
  ',"t":4,"s":{"k":1,"n":"',
  ',"t":',
  ',"s":{"k":0,"n":"',
  '"},',
  '"}},',
  '[{"i":"',
  '},{"i":"',
];

export const TRAIL_DICTIONARY: Buffer = Buffer.from(FRAGMENTS.join(''), 'utf8');
