import { lazyApp } from '../src/service/lazyApp';

function fakeApp(name: string) {
  return { name, ready: jest.fn(async () => undefined), close: jest.fn(async () => undefined) };
}

describe('lazyApp', () => {
  it('builds once, makes the app ready, and reuses it', async () => {
    const built = fakeApp('one');
    const build = jest.fn(async () => built);
    const app = lazyApp(build);
    const [first, second] = await Promise.all([app.get(), app.get()]);
    expect(first).toBe(built);
    expect(second).toBe(built);
    expect(build).toHaveBeenCalledTimes(1);
    expect(built.ready).toHaveBeenCalledTimes(1);
  });

  it('builds again after a failed build instead of keeping the failure', async () => {
    const recovered = fakeApp('recovered');
    const build = jest
      .fn<Promise<ReturnType<typeof fakeApp>>, []>()
      .mockRejectedValueOnce(new Error('P1001: database unreachable'))
      .mockResolvedValueOnce(recovered);
    const app = lazyApp(build);
    await expect(app.get()).rejects.toThrow('P1001');
    await expect(app.get()).resolves.toBe(recovered);
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('builds again when the app fails to become ready', async () => {
    const broken = { ...fakeApp('broken'), ready: jest.fn(async () => Promise.reject(new Error('plugin failed'))) };
    const healthy = fakeApp('healthy');
    const build = jest.fn<Promise<typeof healthy>, []>().mockResolvedValueOnce(broken).mockResolvedValueOnce(healthy);
    const app = lazyApp(build);
    await expect(app.get()).rejects.toThrow('plugin failed');
    await expect(app.get()).resolves.toBe(healthy);
  });

  it('close() closes the built app and the next get() builds a new one', async () => {
    const apps = [fakeApp('a'), fakeApp('b')];
    let builds = 0;
    const build = jest.fn(async () => apps[builds++]!);
    const app = lazyApp(build);
    const first = await app.get();
    await app.close();
    expect(first.close).toHaveBeenCalledTimes(1);
    await expect(app.get()).resolves.toBe(apps[1]);
  });
});
