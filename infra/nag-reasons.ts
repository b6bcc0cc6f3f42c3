/** cdk-nag acknowledgements shared by the watchdog's functions; each names exactly what it excuses. */

/** `topic.grantPublish` on the KMS-encrypted alert topic adds `kms:GenerateDataKey*` (AwsSolutions-IAM5). */
export const TOPIC_KEY_GRANT_ACKNOWLEDGEMENT = {
  id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
  reason:
    'Added by topic.grantPublish for the KMS-encrypted alert topic: SNS needs a data key to encrypt the message. ' +
    'The statement is limited to the topic key.',
} as const;
