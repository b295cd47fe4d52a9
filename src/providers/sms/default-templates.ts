/**
 * The SMS texts shipped with the server, per language (BCP 47 primary subtag). `{code}` is the
 * one-time code, `{minutes}` its lifetime. The code comes first so that it shows in the
 * notification preview and Android's SMS autofill finds it. Operators override or add
 * languages with SMS_TEMPLATES_FILE.
 */
export const defaultSmsTemplates: Readonly<Record<string, string>> = {
  en: "Your verification code is {code}. It expires in {minutes} minutes. Do not share it with anyone.",
  hi: "आपका सत्यापन कोड {code} है। यह {minutes} मिनट में समाप्त हो जाएगा। इसे किसी के साथ साझा न करें।",
  es: "Tu código de verificación es {code}. Caduca en {minutes} minutos. No lo compartas con nadie.",
  fr: "Votre code de vérification est {code}. Il expire dans {minutes} minutes. Ne le partagez avec personne.",
  pt: "Seu código de verificação é {code}. Ele expira em {minutes} minutos. Não o compartilhe com ninguém.",
  de: "Ihr Bestätigungscode lautet {code}. Er läuft in {minutes} Minuten ab. Geben Sie ihn nicht weiter.",
};
