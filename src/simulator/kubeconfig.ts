/** A kubeconfig with one cluster, user and context, all named after the cluster. */
export function kubeconfigYaml(name: string, server: string, token: string, caCertificate?: string): string {
  // JSON strings are valid YAML scalars, which keeps quoting right for any name or token.
  const quoted = (value: string) => JSON.stringify(value);
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${quoted(name)}`,
    '  cluster:',
    `    server: ${quoted(server)}`,
    caCertificate === undefined
      ? // Plain HTTP: client-node refuses an http:// server unless TLS verification is off.
        '    insecure-skip-tls-verify: true'
      : `    certificate-authority-data: ${Buffer.from(caCertificate, 'utf8').toString('base64')}`,
    'users:',
    `- name: ${quoted(name)}`,
    '  user:',
    `    token: ${quoted(token)}`,
    'contexts:',
    `- name: ${quoted(name)}`,
    '  context:',
    `    cluster: ${quoted(name)}`,
    `    user: ${quoted(name)}`,
    `current-context: ${quoted(name)}`,
    '',
  ].join('\n');
}
