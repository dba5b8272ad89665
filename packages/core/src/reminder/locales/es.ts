import type { BuiltInReminderLocale } from '../reminder-locale';

/**
 * Spanish, informal "tú" as most Spanish-language newsletters write; override the templates for
 * "usted". "Cliente" is the same for every gender, so the customer wording needs no agreement.
 */
export const reminderLocaleSpanish: BuiltInReminderLocale = {
  language: 'es',
  templates: {
    'email-footer': 'Recibes {purpose} {reason}.',
    'postal-mail': 'Te enviamos {purpose} {reason}.',
    'preference-centre': {
      subscribed: 'Te suscribiste a {purpose} el {date} {source}.',
      default: 'Recibes {purpose} {reason}.',
    },
    'unsubscribe-page': 'Te recordamos que recibes {purpose} {reason}.',
    'welcome-message': {
      subscribed: 'Gracias por suscribirte el {date} {source}: a partir de ahora recibirás {purpose}.',
      default: '¡Te damos la bienvenida! A partir de ahora recibirás {purpose} {reason}.',
    },
    reasons: {
      subscribed: 'porque te suscribiste el {date} {source}',
      'subscribed:purchase': 'porque te suscribiste al hacer una compra el {date} {source}',
      relationship: 'porque estamos en contacto desde el {date} {source}',
      'relationship:purchase': 'porque eres cliente desde tu compra del {date} {source}',
      provided: 'porque tus datos se añadieron a nuestra lista el {date} {source}',
      'provided:partner': 'porque nuestro socio {partner} nos facilitó tus datos el {date}',
    },
    sources: {
      event: 'en el evento «{name}»',
      'web-form': 'en línea ({name})',
      import: '({name})',
      purchase: '({name})',
      'paper-form': 'mediante un formulario en papel ({name})',
      phone: 'por teléfono ({name})',
      api: 'a través de {name}',
      'crm-user': 'con nuestro equipo ({name})',
      'crm-automation': '({name})',
      partner: 'a través de nuestro socio {partner}',
      subject: '({name})',
      other: '({name})',
    },
  },
  purposes: {
    newsletter: 'este boletín',
    offers: 'nuestras ofertas',
  },
  channels: {
    email: 'estos correos electrónicos',
    sms: 'estos SMS',
    phone: 'estas llamadas',
    postal: 'este envío',
    push: 'estas notificaciones',
    messaging: 'estos mensajes',
    any: 'estos mensajes',
  },
};
