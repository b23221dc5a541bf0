import 'reflect-metadata';
import { workloadOfController } from './vulnerabilities.js';

describe('workloadOfController', () => {
  const workloads = [
    { kind: 'Deployment', name: 'web' },
    { kind: 'Deployment', name: 'web-api' },
    { kind: 'Job', name: 'nightly-28512345', owner: { kind: 'CronJob', name: 'nightly' } },
    { kind: 'Job', name: 'migrate' },
  ];

  it('follows a ReplicaSet to its Deployment and a Job to its CronJob', () => {
    expect(workloadOfController(workloads, 'ReplicaSet', 'web-api-7d9f8c6b5')).toEqual({ kind: 'Deployment', name: 'web-api' });
    expect(workloadOfController(workloads, 'ReplicaSet', 'web-5f6d7')).toEqual({ kind: 'Deployment', name: 'web' });
    expect(workloadOfController(workloads, 'Job', 'nightly-28512345')).toEqual({ kind: 'CronJob', name: 'nightly' });
    expect(workloadOfController(workloads, 'Job', 'migrate')).toEqual({ kind: 'Job', name: 'migrate' });
    expect(workloadOfController(workloads, 'StatefulSet', 'db')).toEqual({ kind: 'StatefulSet', name: 'db' });
  });

  it('answers nothing for a ReplicaSet without its Deployment, and for a bare pod', () => {
    expect(workloadOfController(workloads, 'ReplicaSet', 'orphan-5f6d7')).toBeUndefined();
    expect(workloadOfController(workloads, 'ReplicaSet', 'nodash')).toBeUndefined();
    expect(workloadOfController(workloads, 'Pod', 'web')).toBeUndefined();
  });
});
