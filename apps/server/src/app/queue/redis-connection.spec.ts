import { redisOptions } from './redis-connection';

describe('redisOptions', () => {
  it('reads host, port and database number', () => {
    expect(redisOptions('redis://127.0.0.1:6380/2')).toMatchObject({ host: '127.0.0.1', port: 6380, db: 2 });
  });

  it('reads credentials and TLS', () => {
    const options = redisOptions('rediss://app:p%40ss@redis.example.com');
    expect(options).toMatchObject({ host: 'redis.example.com', port: 6379, username: 'app', password: 'p@ss', db: 0 });
    expect(options.tls).toEqual({});
  });

  it('keeps reconnecting, backing off up to two seconds', () => {
    const retry = redisOptions('redis://localhost').retryStrategy as (times: number) => number;
    expect(retry(1)).toBe(200);
    expect(retry(100)).toBe(2000);
  });

  it('lets the caller override options', () => {
    expect(redisOptions('redis://localhost', { maxRetriesPerRequest: null }).maxRetriesPerRequest).toBeNull();
  });
});
