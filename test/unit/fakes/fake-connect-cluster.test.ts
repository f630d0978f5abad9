import { describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';

const cfg = {
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  'tasks.max': '2',
  topics: 't',
};
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FakeConnect behaviour spec', () => {
  it('1. creates with POST, 409 on a duplicate, stores name; PUT config name mismatch is 400', () => {
    const f = new FakeConnect();
    expect(f.handle('POST', '/connectors', { name: 'a', config: cfg })).toMatchObject({ status: 201 });
    expect(f.handle('POST', '/connectors', { name: 'a', config: cfg })).toMatchObject({ status: 409 });
    expect(f.connectors.get('a')?.config.name).toBe('a');
    expect(f.handle('PUT', '/connectors/a/config', { ...cfg, name: 'b' })).toMatchObject({ status: 400 });
    expect(f.handle('PUT', '/connectors/b/config', cfg)).toMatchObject({ status: 201 });
    expect(f.handle('PUT', '/connectors/b/config', cfg)).toMatchObject({ status: 200 });
  });

  it('2. UNASSIGNED while starting, then target state with tasks.max tasks; STOPPED has none', async () => {
    const f = new FakeConnect({ startDelayMs: 30 });
    f.handle('POST', '/connectors', { name: 'a', config: cfg });
    expect(f.status('a')?.connector.state).toBe('UNASSIGNED');
    await wait(40);
    expect(f.status('a')).toMatchObject({
      connector: { state: 'RUNNING' },
      tasks: [{ state: 'RUNNING' }, { state: 'RUNNING' }],
    });
    f.handle('PUT', '/connectors/a/pause', undefined);
    expect(f.status('a')?.tasks.map((t) => t.state)).toEqual(['PAUSED', 'PAUSED']);
    f.handle('PUT', '/connectors/a/stop', undefined);
    expect(f.status('a')).toMatchObject({ connector: { state: 'STOPPED' }, tasks: [] });
    f.handle('POST', '/connectors', { name: 'p', config: cfg, initial_state: 'PAUSED' });
    await wait(40);
    expect(f.status('p')?.connector.state).toBe('PAUSED');
  });

  it('3. task-failure rule fails tasks after afterMs of running', async () => {
    const f = new FakeConnect({ startDelayMs: 0 });
    f.failTasks({ match: (n) => n === 'bad', afterMs: 30, trace: 'boom' });
    f.handle('POST', '/connectors', { name: 'bad', config: cfg });
    expect(f.status('bad')?.tasks[0]?.state).toBe('RUNNING');
    await wait(40);
    expect(f.status('bad')?.tasks[0]).toMatchObject({ state: 'FAILED', trace: 'boom' });
  });

  it('4. one expanded listing returns status and info of all connectors', () => {
    const f = new FakeConnect();
    f.seed('a', cfg);
    f.seed('b', cfg, 'PAUSED');
    const r = f.handle('GET', '/connectors?expand=status&expand=info', undefined);
    expect(r).toMatchObject({
      status: 200,
      body: {
        a: { status: { connector: { state: 'RUNNING' } }, info: { config: { name: 'a' } } },
        b: { status: { connector: { state: 'PAUSED' } } },
      },
    });
  });

  it('5. offsets can change only when STOPPED', () => {
    const f = new FakeConnect();
    f.seed('a', cfg);
    expect(f.handle('DELETE', '/connectors/a/offsets', undefined)).toMatchObject({ status: 400 });
    f.handle('PUT', '/connectors/a/stop', undefined);
    expect(f.handle('DELETE', '/connectors/a/offsets', undefined)).toMatchObject({ status: 200 });
  });

  it('6. injected faults answer the next n matching requests, then normal service resumes', () => {
    const f = new FakeConnect();
    f.inject({
      method: 'GET',
      path: /^\/connectors/,
      times: 2,
      respond: { status: 409, body: { message: 'rebalance' } },
    });
    expect(f.handle('GET', '/connectors', undefined)).toMatchObject({ status: 409 });
    expect(f.handle('GET', '/connectors', undefined)).toMatchObject({ status: 409 });
    expect(f.handle('GET', '/connectors', undefined)).toMatchObject({ status: 200 });
    f.inject({ times: 1, respond: 'timeout' });
    expect(f.handle('GET', '/connectors', undefined)).toBe('timeout');
  });

  it('6. a raw fault is sent as written, with its content type', async () => {
    const f = new FakeConnect();
    const url = await f.listen();
    try {
      f.inject({ method: 'GET', times: 1, respond: { status: 200, raw: '<html>login</html>' } });
      const res = await fetch(`${url}/connectors`);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toBe('<html>login</html>');
      expect(await (await fetch(`${url}/connectors`)).json()).toEqual([]);
    } finally {
      await f.close();
    }
  });

  it('7. basic auth and 8. request log', () => {
    const f = new FakeConnect({ auth: { username: 'u', password: 'p' } });
    expect(f.handle('GET', '/connectors', undefined)).toMatchObject({ status: 401 });
    const ok = 'Basic ' + Buffer.from('u:p').toString('base64');
    expect(f.handle('GET', '/connectors', undefined, ok)).toMatchObject({ status: 200 });
    expect(f.requests).toHaveLength(2);
  });

  it('10. a hook runs once, just before the first matching request is handled', () => {
    const f = new FakeConnect();
    f.before({ method: 'POST', path: /^\/connectors$/ }, () => f.seed('a', { ...cfg, topics: 'theirs' }));
    expect(f.handle('GET', '/connectors', undefined)).toMatchObject({ status: 200, body: [] });
    expect(f.handle('POST', '/connectors', { name: 'a', config: cfg })).toMatchObject({ status: 409 });
    expect(f.connectors.get('a')?.config.topics).toBe('theirs');
    expect(f.handle('POST', '/connectors', { name: 'b', config: cfg })).toMatchObject({ status: 201 });
  });

  it('11. a start failure shows the connector FAILED until it has been restarted that many times', async () => {
    const f = new FakeConnect({ startDelayMs: 0 });
    f.handle('POST', '/connectors', { name: 'a', config: cfg });
    f.failStart('a', 'java.lang.NullPointerException\n\tat x', 2);
    expect(f.status('a')).toMatchObject({
      connector: { state: 'FAILED', trace: expect.stringContaining('NullPointer') },
    });
    f.handle('POST', '/connectors/a/restart', undefined);
    expect(f.status('a')?.connector.state).toBe('FAILED');
    f.handle('POST', '/connectors/a/restart', undefined);
    expect(f.status('a')?.connector.state).toBe('RUNNING');
  });
});
