import { describe, expect, it } from 'vitest';
import { makeRedactor, redact } from '../../lambdas/domain/alerts/redact';

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
      '-----BEGIN PRIVATE KEY----- [REDACTED]',
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
});
