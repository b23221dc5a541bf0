import { parseOutboundConfig } from './outbound.js';

describe('outbound configuration (kubeconfig and egress allowances)', () => {
  test('everything is refused unless the environment allows it', () => {
    const problems: string[] = [];
    expect(parseOutboundConfig({}, problems)).toEqual({ allowKubeconfigFiles: false, allowKubeconfigProxy: false, allowInsecureClusters: false, egressAllow: [] });
    expect(problems).toEqual([]);
  });

  test('switches and allowances are read and validated, every problem listed', () => {
    const problems: string[] = [];
    const parsed = parseOutboundConfig(
      {
        KDA_ALLOW_KUBECONFIG_FILES: 'on',
        KDA_ALLOW_KUBECONFIG_PROXY: 'maybe',
        KDA_EGRESS_ALLOW: '10.20.0.0/16, 192.168.1.10, registry.lan:5000, [fd00::1]:443, 10.0.0.0/33, not allowed',
      },
      problems,
    );
    expect(parsed.allowKubeconfigFiles).toBe(true);
    expect(parsed.egressAllow).toEqual(['10.20.0.0/16', '192.168.1.10', 'registry.lan:5000', '[fd00::1]:443', '10.0.0.0/33', 'not allowed']);
    expect(problems).toEqual([
      'KDA_EGRESS_ALLOW: "10.0.0.0/33" is neither a CIDR range (10.20.0.0/16), an address, nor host:port',
      'KDA_EGRESS_ALLOW: "not allowed" is neither a CIDR range (10.20.0.0/16), an address, nor host:port',
      'KDA_ALLOW_KUBECONFIG_PROXY must be on or off, got "maybe"',
    ]);
  });
});
