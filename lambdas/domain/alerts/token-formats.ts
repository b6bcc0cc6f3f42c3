/**
 * Published formats of well-known credentials: a fixed prefix or shape that the issuer documents, so a
 * match is a secret wherever it appears, with or without a key naming it. Formats follow the issuers'
 * documentation as collected by the public gitleaks and secretlint rule sets. Each pattern is linear
 * (bounded repetitions, checked by test/security/regex-safety.test.ts).
 */
export interface TokenFormat {
  name: string;
  /** Global; the whole match is the secret. */
  pattern: RegExp;
  /** A substring every match contains: lines without it skip the pattern. */
  hint: string;
}

export const TOKEN_FORMATS: TokenFormat[] = [
  // Source control and CI
  { name: 'GitHub token', hint: '_', pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])/g },
  { name: 'GitHub fine-grained token', hint: 'github_pat_', pattern: /github_pat_[A-Za-z0-9_]{22,255}/g },
  {
    name: 'GitLab token',
    hint: 'gl',
    pattern: /(?<![A-Za-z0-9_-])gl(?:pat|ptt|dt|rt|cbt|imt|agent|oas|ft|soat|ffct)-[A-Za-z0-9_-]{20,80}/g,
  },
  { name: 'GitLab runner registration token', hint: 'GR1348941', pattern: /GR1348941[A-Za-z0-9_-]{20,40}/g },
  { name: 'Bitbucket app password', hint: 'ATBB', pattern: /ATBB[A-Za-z0-9_=.-]{28,64}/g },
  { name: 'Atlassian API token', hint: 'ATATT', pattern: /ATATT3[A-Za-z0-9_=-]{150,260}/g },
  { name: 'CircleCI token', hint: 'CCI', pattern: /CCI(?:PAT|PRJ)_[A-Za-z0-9]{20,30}_[a-f0-9]{40}/g },
  { name: 'Buildkite token', hint: 'bku', pattern: /bkua_[a-f0-9]{40}/g },
  // Chat
  { name: 'Slack token', hint: 'xox', pattern: /xox[abposre]-(?:\d{1,20}-){0,3}[A-Za-z0-9-]{10,250}/g },
  { name: 'Slack app token', hint: 'xapp-', pattern: /xapp-\d-[A-Z0-9]{8,15}-\d{8,15}-[a-z0-9]{32,80}/gi },
  {
    name: 'Slack webhook',
    hint: 'hooks.slack.com',
    pattern: /(?<=hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9+/_-]{20,120}/g,
  },
  {
    name: 'Discord webhook',
    hint: '/api/webhooks/',
    pattern: /(?<=discord(?:app)?\.com\/api\/webhooks\/\d{10,25}\/)[A-Za-z0-9_-]{30,90}/g,
  },
  {
    name: 'Microsoft Teams webhook',
    hint: 'webhook.office.com',
    pattern: /(?<=webhook\.office\.com\/)[A-Za-z0-9@/_-]{40,400}/g,
  },
  { name: 'Telegram bot token', hint: ':AA', pattern: /(?<![0-9])\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/g },
  // Payments and commerce
  { name: 'Stripe secret key', hint: '_', pattern: /(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}/g },
  { name: 'Stripe webhook secret', hint: 'whsec_', pattern: /whsec_[A-Za-z0-9+/=]{24,64}/g },
  { name: 'Square token', hint: 'sq0', pattern: /sq0(?:atp|csp|idp)-[A-Za-z0-9_-]{22,60}/g },
  { name: 'Shopify token', hint: 'shp', pattern: /shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}/g },
  {
    name: 'Braintree access token',
    hint: 'access_token$',
    pattern: /access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}/g,
  },
  // Cloud and infrastructure
  { name: 'Google API key', hint: 'AIza', pattern: /AIza[0-9A-Za-z_-]{35}/g },
  { name: 'Google OAuth token', hint: 'ya29.', pattern: /ya29\.[0-9A-Za-z_-]{20,500}/g },
  { name: 'Google OAuth client secret', hint: 'GOCSPX-', pattern: /GOCSPX-[A-Za-z0-9_-]{28}/g },
  {
    name: 'Azure AD client secret',
    hint: 'Q~',
    pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}/g,
  },
  { name: 'Alibaba access key', hint: 'LTAI', pattern: /(?<![A-Za-z0-9])LTAI[A-Za-z0-9]{12,20}(?![A-Za-z0-9])/g },
  { name: 'DigitalOcean token', hint: 'do', pattern: /do[opr]_v1_[a-f0-9]{64}/g },
  { name: 'Heroku API key', hint: 'HRKU-', pattern: /HRKU-[A-Za-z0-9_-]{20,80}/g },
  { name: 'Fly.io token', hint: 'fo1_', pattern: /fo1_[A-Za-z0-9_-]{39,60}/g },
  { name: 'Databricks token', hint: 'dapi', pattern: /(?<![A-Za-z0-9])dapi[a-f0-9]{32}(?:-\d)?/g },
  { name: 'Dynatrace token', hint: 'dt0', pattern: /dt0[a-z]\d{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}/g },
  { name: 'New Relic key', hint: 'NR', pattern: /NR(?:AK|II|JS|RA)-[A-Za-z0-9]{20,42}/g },
  { name: 'Grafana token', hint: 'gl', pattern: /(?:glc_|glsa_)[A-Za-z0-9_+/=-]{32,400}/g },
  { name: 'Pulumi token', hint: 'pul-', pattern: /pul-[a-f0-9]{40}/g },
  { name: 'Terraform Cloud token', hint: '.atlasv1.', pattern: /[a-zA-Z0-9]{14}\.atlasv1\.[a-zA-Z0-9_=-]{60,90}/g },
  { name: 'Age secret key', hint: 'AGE-SECRET-KEY-1', pattern: /AGE-SECRET-KEY-1[0-9A-Z]{58}/g },
  // Mail and messaging APIs
  { name: 'SendGrid key', hint: 'SG.', pattern: /SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/g },
  { name: 'Mailgun key', hint: 'key-', pattern: /(?<![A-Za-z0-9])key-[0-9a-f]{32}(?![0-9a-f])/g },
  { name: 'Mailchimp key', hint: '-us', pattern: /(?<![A-Za-z0-9])[0-9a-f]{32}-us\d{1,2}(?![0-9])/g },
  { name: 'Twilio API key', hint: 'SK', pattern: /(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}(?![0-9a-fA-F])/g },
  { name: 'Postman key', hint: 'PMAK-', pattern: /PMAK-[a-f0-9]{24}-[a-f0-9]{34}/g },
  // Package registries
  { name: 'npm token', hint: 'npm_', pattern: /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g },
  { name: 'PyPI token', hint: 'pypi-', pattern: /pypi-AgE[A-Za-z0-9_-]{50,250}/g },
  { name: 'RubyGems key', hint: 'rubygems_', pattern: /rubygems_[a-f0-9]{48}/g },
  { name: 'NuGet key', hint: 'oy2', pattern: /(?<![A-Za-z0-9])oy2[a-z0-9]{43}(?![a-z0-9])/g },
  { name: 'crates.io token', hint: 'cio', pattern: /(?<![A-Za-z0-9])cio[a-zA-Z0-9]{32}(?![A-Za-z0-9])/g },
  { name: 'Docker Hub token', hint: 'dckr_', pattern: /dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,80}/g },
  { name: 'Artifactory key', hint: 'AKCp', pattern: /AKCp[A-Za-z0-9]{69}/g },
  { name: 'Clojars token', hint: 'CLOJARS_', pattern: /CLOJARS_[a-z0-9]{60}/gi },
  // AI APIs
  {
    name: 'OpenAI key',
    hint: 'sk-',
    pattern: /(?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{20,250}(?![A-Za-z0-9_-])/g,
  },
  { name: 'Anthropic key', hint: 'sk-ant-', pattern: /sk-ant-[a-z]{2,8}\d{2}-[A-Za-z0-9_-]{80,120}/g },
  { name: 'Hugging Face token', hint: 'hf_', pattern: /(?<![A-Za-z0-9_])hf_[A-Za-z]{34,40}(?![A-Za-z0-9])/g },
  { name: 'Groq key', hint: 'gsk_', pattern: /gsk_[A-Za-z0-9]{48,60}/g },
  { name: 'Replicate token', hint: 'r8_', pattern: /(?<![A-Za-z0-9_])r8_[A-Za-z0-9]{37,40}(?![A-Za-z0-9])/g },
  { name: 'Perplexity key', hint: 'pplx-', pattern: /pplx-[A-Za-z0-9]{48,56}/g },
  // Secret stores and productivity
  { name: 'Vault token', hint: 'hv', pattern: /(?<![A-Za-z0-9_])hv[sbr]\.[A-Za-z0-9_-]{24,400}/g },
  { name: 'Doppler token', hint: 'dp.', pattern: /dp\.(?:pt|st|sa|scim|audit|ct)\.[A-Za-z0-9_-]{40,60}/g },
  { name: '1Password service token', hint: 'ops_', pattern: /ops_eyJ[A-Za-z0-9+/=_-]{100,2000}/g },
  {
    name: 'Notion token',
    hint: '_',
    pattern: /(?<![A-Za-z0-9_])(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{40,50})(?![A-Za-z0-9])/g,
  },
  { name: 'Linear key', hint: 'lin_', pattern: /lin_(?:api|oauth)_[A-Za-z0-9]{40}/g },
  { name: 'Airtable token', hint: 'pat', pattern: /(?<![A-Za-z0-9])pat[A-Za-z0-9]{14}\.[a-f0-9]{64}/g },
  { name: 'Figma token', hint: 'fig', pattern: /fig[dou]_[A-Za-z0-9_-]{40,60}/g },
  { name: 'Facebook access token', hint: 'EAA', pattern: /(?<![A-Za-z0-9])EAA[A-Za-z0-9]{90,400}/g },
];
