/**
 * TLS material for the simulated apiserver: a private CA and a server certificate for 127.0.0.1 /
 * localhost, valid 2000-2100. A fixture, not a secret: it only ever protects loopback test
 * traffic. It exists because kubectl (client-go) never sends a bearer token over plain HTTP, so a
 * token-authenticated apiserver has to speak HTTPS, as a real one does.
 */
export const simulatorCaCertificate = `-----BEGIN CERTIFICATE-----
MIIBajCCARCgAwIBAgICEAAwCgYIKoZIzj0EAwIwGzEZMBcGA1UEAwwQa2RhLXNp
bXVsYXRvci1jYTAgFw0wMDAxMDEwMDAwMDBaGA8yMTAwMDEwMTAwMDAwMFowGzEZ
MBcGA1UEAwwQa2RhLXNpbXVsYXRvci1jYTBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABK4dZ+WuftCOXtJmENFkY+6c0X6fKYnU6/PBAiK//C3z60T8a+S/iQdrB488
uuS07UVtB9GQpHEF+3RPJDe6t92jQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0P
AQH/BAQDAgEGMB0GA1UdDgQWBBQ11PWkUQbYjWz7DpV5cAWxdeSY8DAKBggqhkjO
PQQDAgNIADBFAiEA7NgYInPmvBxImxNRE0qTXVE5THLg4lh0TlnBt7rudgYCIDaj
+dgnnphhsovnosgovLCSLD3ypfnw70qkraKBMpRK
-----END CERTIFICATE-----
`;

export const simulatorServerCertificate = `-----BEGIN CERTIFICATE-----
MIIB2jCCAX+gAwIBAgICEAEwCgYIKoZIzj0EAwIwGzEZMBcGA1UEAwwQa2RhLXNp
bXVsYXRvci1jYTAgFw0wMDAxMDEwMDAwMDBaGA8yMTAwMDEwMTAwMDAwMFowGTEX
MBUGA1UEAwwOa3ViZS1hcGlzZXJ2ZXIwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AASDkqykZ2Tc8+LaD1mZzpHcFqpDkYQIqrjETcq9/JR6lqtdTGOSUB2QC/13REGU
spII74yCh4WX2OvhxfWVQ9wro4GyMIGvMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/
BAQDAgWgMBMGA1UdJQQMMAoGCCsGAQUFBwMBMDoGA1UdEQQzMDGHBH8AAAGCCWxv
Y2FsaG9zdIIKa3ViZXJuZXRlc4ISa3ViZXJuZXRlcy5kZWZhdWx0MB8GA1UdIwQY
MBaAFDXU9aRRBtiNbPsOlXlwBbF15JjwMB0GA1UdDgQWBBTLn0ofGeOrnEi10nPv
tMDihx+eOjAKBggqhkjOPQQDAgNJADBGAiEAz6W4xJYAK/i0MlpwlURkgu7pxPBU
Ye6vdLmBGksewjcCIQDXY3NOTW76DGf4ERfoOu/RHUAKkv8WBDctFKZHHudPMQ==
-----END CERTIFICATE-----
`;

export const simulatorServerKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNi6MjGruKWOVKz7r
WovDhMx50K83L+DhfMOQywvFDgihRANCAASDkqykZ2Tc8+LaD1mZzpHcFqpDkYQI
qrjETcq9/JR6lqtdTGOSUB2QC/13REGUspII74yCh4WX2OvhxfWVQ9wr
-----END PRIVATE KEY-----
`;
