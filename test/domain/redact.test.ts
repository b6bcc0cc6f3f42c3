import { describe, expect, it } from 'vitest';
import { makeRedactor, REDACTED, redact, redactLines } from '../../lambdas/domain/alerts/redact';

describe('redact', () => {
  it.each([
    ['AWS access key id', 'using key AKIAIOSFODNN7EXAMPLE for s3', 'using key [REDACTED] for s3'],
    ['AWS temporary key id', 'creds ASIAY34FZKBOKMUTVV7A expired', 'creds [REDACTED] expired'],
    [
      'AWS secret key',
      'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'aws_secret_access_key=[REDACTED]',
    ],
    ['bare AWS secret key', 'secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY here', 'secret [REDACTED] here'],
    ['bearer token', 'Authorization: Bearer abcdef0123456789.xyz', 'Authorization: Bearer [REDACTED]'],
    [
      'JWT',
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok',
      'token [REDACTED] ok',
    ],
    [
      'password in URL',
      'connecting to postgres://app:s3cr3t@db.internal:5432/app',
      'connecting to postgres://app:[REDACTED]@db.internal:5432/app',
    ],
    ['password= pair', 'login password=hunter2 user=bob', 'login password=[REDACTED] user=bob'],
    ['secret: pair', 'CLIENT_SECRET: abc123', 'CLIENT_SECRET: [REDACTED]'],
    ['token in a query string', 'GET /reset?token=abc123&user=1', 'GET /reset?token=[REDACTED]&user=1'],
    ['JSON password', '{"password": "hunter2", "user": "bob"}', '{"password": "[REDACTED]", "user": "bob"}'],
    ['api key', "api_key='k-123'", "api_key='[REDACTED]'"],
    [
      'private key',
      '-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEA7x-----END RSA PRIVATE KEY-----',
      '-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----',
    ],
  ])('redacts %s', (_kind, line, expected) => {
    expect(redact(line)).toBe(expected);
  });

  it.each([
    'password reset succeeded for bob',
    'tokenizer loaded 5 tokens',
    'commit 9fceb02d0ae598e95dc970b74767f19372d61af8 deployed',
    'secretary=alice',
    'GET /health 200 12ms',
    'java.lang.OutOfMemoryError: Java heap space',
    'request id 3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b',
    'https://example.com/path?page=2',
  ])('leaves ordinary text alone: %s', (line) => {
    expect(redact(line)).toBe(line);
  });

  it('applies extra configured patterns', () => {
    const custom = makeRedactor(['customer-\\d+', 'ssn \\d{3}-\\d{2}-\\d{4}']);
    expect(custom('order for customer-42, ssn 123-45-6789')).toBe('order for [REDACTED], [REDACTED]');
  });

  it.each([
    'secret: not found',
    'token expired',
    'basic authentication failed',
    'Invalid token: expired',
    'password: incorrect for user bob',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell reference in a log line, not a template
    'PASSWORD=${DB_PASSWORD}',
    'max_tokens=1024',
    'token_type: Bearer',
    'secret_name: prod/db',
    'HIGH SECRETS_PULL: api-service in production - secret prod/db could not be read',
    'token_refresh: scheduled in 5 min',
    'Retrieved secret arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf',
  ])('keeps a secret-like key followed by ordinary words or a reference: %s', (line) => {
    expect(redact(line)).toBe(line);
  });

  it.each([
    ['env names with a prefix', 'PGPASSWORD=Zx9qw3Er7 psql', 'PGPASSWORD=[REDACTED] psql'],
    ['upper snake case', 'SECRET_KEY_BASE=0a1b2c3d4e5f', 'SECRET_KEY_BASE=[REDACTED]'],
    ['camelCase JSON', '{"dbPassword":"Zx9qw3Er7"}', '{"dbPassword":"[REDACTED]"}'],
    ['escaped JSON', '{\\"apiKey\\":\\"Zx9qw3Er7\\"}', '{\\"apiKey\\":\\"[REDACTED]\\"}'],
    ['URL without user', 'redis://:Zx9qw3Er7@cache:6379', 'redis://:[REDACTED]@cache:6379'],
    ['URL password with / and @', 'postgres://u:a/b@c@db.example.com/x', 'postgres://u:[REDACTED]@db.example.com/x'],
    ['any Authorization scheme', 'Authorization: Negotiate YIIBhwYGKwYBBQUC', 'Authorization: Negotiate [REDACTED]'],
    ['key id and secret joined', 'AKIAIOSFODNN7EXAMPLE/wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', REDACTED],
    ['a published token format', 'using ghp_0123456789abcdefghijABCDEFGHIJ012345 now', `using ${REDACTED} now`],
    ['XML', '<db><password>Zx9qw3Er7</password></db>', '<db><password>[REDACTED]</password></db>'],
    ['a flag', 'mysql --password Zx9qw3Er7 -u root', 'mysql --password [REDACTED] -u root'],
  ])('redacts by family: %s', (_family, line, expected) => {
    expect(redact(line)).toBe(expected);
  });

  it('redacts a key block logged one line per event, and a key whose BEGIN line was cut off', () => {
    const body = ['MIIEowIBAAKCAQEAx0123456789abcdef', 'aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ='];
    expect(
      redactLines(['-----BEGIN OPENSSH PRIVATE KEY-----', ...body, '-----END OPENSSH PRIVATE KEY-----', 'up']),
    ).toEqual(['-----BEGIN OPENSSH PRIVATE KEY-----', REDACTED, REDACTED, '-----END OPENSSH PRIVATE KEY-----', 'up']);
    expect(redactLines([...body, '-----END PGP PRIVATE KEY BLOCK-----'])).toEqual([
      REDACTED,
      REDACTED,
      '-----END PGP PRIVATE KEY BLOCK-----',
    ]);
  });

  it('redacts every part of a JWT split across log events', () => {
    const out = redactLines([
      'jwt=eyJhbGciOiJIUzI1NiJ9.',
      'eyJzdWIiOiIxMjM0NTY3ODkwIn0.',
      'dozjgNryP4J3jVmNHl0w5N_XgL0n3 end',
    ]);
    expect(out).toEqual(['jwt=[REDACTED]', REDACTED, `${REDACTED} end`]);
  });

  it('redacts a YAML block scalar under a secret key, and stops at the next key', () => {
    expect(redactLines(['password: |', '  line-one', '  line-two', 'host: db'])).toEqual([
      'password: |',
      `  ${REDACTED}`,
      `  ${REDACTED}`,
      'host: db',
    ]);
  });

  it('reads a text of several lines as consecutive log events', () => {
    expect(redact('-----BEGIN PRIVATE KEY-----\nMIIEowIBAAKCAQEAx0123456789\n-----END PRIVATE KEY-----')).toBe(
      `-----BEGIN PRIVATE KEY-----\n${REDACTED}\n-----END PRIVATE KEY-----`,
    );
  });
});
