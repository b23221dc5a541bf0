import { parseStepMarker, statusDisplay } from './log-lines.js';

describe('build log lines', () => {
  it('parses step markers and nothing else', () => {
    expect(parseStepMarker('[kda] step 4/6 compile')).toEqual({ step: 4, total: 6, name: 'compile' });
    expect(parseStepMarker('npm run build')).toBeNull();
    expect(parseStepMarker('echo [kda] step 1/6 clone')).toBeNull();
  });

  it('shows run status as the build list does', () => {
    expect(statusDisplay({ status: 'FAILED', failedStep: 4, stepsTotal: 6 })).toBe('ERROR 4/6');
    expect(statusDisplay({ status: 'SUCCEEDED', failedStep: null, stepsTotal: 6 })).toBe('DONE');
    expect(statusDisplay({ status: 'PENDING', failedStep: null, stepsTotal: 6 })).toBe('RUNNING');
    expect(statusDisplay(null)).toBeNull();
  });
});
