import { placeIn, queuePlaces, toldText } from './queue-places';

const job = (runId: string, ownerId: string) => ({ runId, ownerId });

describe('queuePlaces', () => {
  it("places a user's runs beyond their limit behind their own, the others in the order of the queue", () => {
    // Limit 2: alice executes 2 (none free), bob 1 (one free), carol none (two free).
    const executing = new Map([
      ['alice', 2],
      ['bob', 1],
    ]);
    const order = [
      job('a1', 'alice'),
      job('b1', 'bob'),
      job('a2', 'alice'),
      job('b2', 'bob'),
      job('c1', 'carol'),
      job('c2', 'carol'),
      job('c3', 'carol'),
    ];
    const { places, waitingForCapacity } = queuePlaces(order, executing, 2);
    expect(Object.fromEntries(places)).toEqual({
      a1: { position: 1, reason: 'user-limit' },
      b1: { position: 1, reason: 'capacity' },
      a2: { position: 2, reason: 'user-limit' },
      b2: { position: 2, reason: 'user-limit' },
      c1: { position: 2, reason: 'capacity' },
      c2: { position: 3, reason: 'capacity' },
      c3: { position: 3, reason: 'user-limit' },
    });
    expect(waitingForCapacity).toBe(3);
  });

  it('places a run queued since the last read after the last', () => {
    const snapshot = queuePlaces([job('a1', 'alice'), job('b1', 'bob')], new Map([['alice', 3]]), 3);
    expect(placeIn(snapshot, job('a2', 'alice'), 3)).toEqual({ position: 2, reason: 'user-limit' });
    expect(placeIn(snapshot, job('b2', 'bob'), 3)).toEqual({ position: 2, reason: 'capacity' });
    expect(placeIn(snapshot, job('a1', 'alice'), 3)).toEqual({ position: 1, reason: 'user-limit' });
  });

  it('reads 300 queued runs of two users in one pass', () => {
    const order = Array.from({ length: 300 }, (_, i) => job(`r${i}`, i % 2 === 0 ? 'alice' : 'bob'));
    const { places } = queuePlaces(
      order,
      new Map([
        ['alice', 3],
        ['bob', 3],
      ]),
      3,
    );
    expect(places.get('r298')).toEqual({ position: 150, reason: 'user-limit' });
    expect(places.get('r299')).toEqual({ position: 150, reason: 'user-limit' });
  });

  it('stores a place as one text, equal for equal places, none for no place', () => {
    expect(toldText({ position: 12, reason: 'user-limit' })).toBe('12:user-limit');
    expect(toldText({ position: 12, reason: 'capacity' })).not.toBe(toldText({ position: 12, reason: 'user-limit' }));
    expect(toldText(null)).toBeNull();
    // The longest: a place beyond any queue's read limit still fits the column (varchar(24)).
    expect(toldText({ position: 999_999_999, reason: 'user-limit' })?.length).toBeLessThanOrEqual(24);
  });
});
