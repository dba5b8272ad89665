import type { BuiltInReminderLocale } from '../reminder-locale';

/**
 * Portuguese, worded to read correctly in both Portugal and Brazil: third person without a pronoun
 * ("Recebe…", "porque se inscreveu…"), "Boas-vindas" rather than a gendered "Bem-vindo", and no
 * word that differs between the two ("equipa"/"equipe").
 */
export const reminderLocalePortuguese: BuiltInReminderLocale = {
  language: 'pt',
  templates: {
    'email-footer': 'Recebe {purpose} {reason}.',
    'postal-mail': 'Enviamos-lhe {purpose} {reason}.',
    'preference-centre': {
      subscribed: 'Inscreveu-se para receber {purpose} em {date} {source}.',
      default: 'Recebe {purpose} {reason}.',
    },
    'unsubscribe-page': 'Recordamos que recebe {purpose} {reason}.',
    'welcome-message': {
      subscribed: 'Obrigado pela sua inscrição em {date} {source}: a partir de agora, receberá {purpose}.',
      default: 'Boas-vindas! A partir de agora, receberá {purpose} {reason}.',
    },
    reasons: {
      subscribed: 'porque se inscreveu em {date} {source}',
      'subscribed:purchase': 'porque se inscreveu ao fazer uma compra em {date} {source}',
      relationship: 'no âmbito da nossa relação, iniciada em {date} {source}',
      'relationship:purchase': 'porque é cliente desde a sua compra em {date} {source}',
      provided: 'porque os seus dados foram adicionados à nossa lista em {date} {source}',
      'provided:partner': 'porque o nosso parceiro {partner} nos transmitiu os seus dados em {date}',
    },
    sources: {
      event: 'no evento “{name}”',
      'web-form': 'online ({name})',
      import: '({name})',
      purchase: '({name})',
      'paper-form': 'através de um formulário em papel ({name})',
      phone: 'por telefone ({name})',
      api: 'através de {name}',
      'crm-user': 'através do nosso atendimento ({name})',
      'crm-automation': '({name})',
      partner: 'através do nosso parceiro {partner}',
      subject: '({name})',
      other: '({name})',
    },
  },
  purposes: {
    newsletter: 'esta newsletter',
    offers: 'as nossas ofertas',
  },
  channels: {
    email: 'estes e-mails',
    sms: 'estas mensagens SMS',
    phone: 'estas chamadas',
    postal: 'esta correspondência',
    push: 'estas notificações',
    messaging: 'estas mensagens',
    any: 'estas mensagens',
  },
};
