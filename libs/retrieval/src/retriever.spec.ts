import { fuse } from './retriever';

// RRF with k = 60: a candidate at rank r in one list scores 1 / (60 + r).
const rrf = (...ranks: number[]) => ranks.reduce((sum, rank) => sum + 1 / (60 + rank), 0);

describe('fuse (reciprocal-rank fusion)', () => {
  it('adds the reciprocal ranks a candidate has in each list', () => {
    const ranked = fuse([10, 20], [
      { id: 20, similarity: 0.9 },
      { id: 30, similarity: 0.8 },
    ]);
    expect(ranked.map((r) => r.id)).toEqual([20, 10, 30]);
    const byId = new Map(ranked.map((r) => [r.id, r]));
    expect(byId.get(20)).toMatchObject({ lexicalRank: 2, vectorRank: 1, similarity: 0.9 });
    expect(byId.get(20)!.score).toBeCloseTo(rrf(2, 1), 12);
    expect(byId.get(10)).toMatchObject({ lexicalRank: 1, vectorRank: null, similarity: null });
    expect(byId.get(10)!.score).toBeCloseTo(rrf(1), 12);
    expect(byId.get(30)).toMatchObject({ lexicalRank: null, vectorRank: 2 });
  });

  it('ranks a candidate found by both searches above the top of either one alone', () => {
    const ranked = fuse([1, 2, 3, 4, 5], [
      { id: 9, similarity: 0.95 },
      { id: 5, similarity: 0.9 },
    ]);
    expect(ranked[0].id).toBe(5);
  });

  it('breaks ties by id, so the order is stable', () => {
    const ranked = fuse([7], [{ id: 3, similarity: 0.9 }]);
    expect(ranked.map((r) => r.id)).toEqual([3, 7]);
  });

  it('drops a vector-only candidate that is barely similar, but keeps the similarity of a lexical match', () => {
    const ranked = fuse([1], [
      { id: 1, similarity: 0.2 },
      { id: 2, similarity: 0.34 },
      { id: 3, similarity: 0.35 },
    ]);
    expect(ranked.map((r) => r.id)).toEqual([1, 3]);
    expect(ranked[0]).toMatchObject({ lexicalRank: 1, vectorRank: 1, similarity: 0.2 });
  });

  it('returns nothing from nothing, and one list unchanged in order', () => {
    expect(fuse([], [])).toEqual([]);
    expect(fuse([4, 2, 9], []).map((r) => r.id)).toEqual([4, 2, 9]);
    expect(fuse([], [{ id: 4, similarity: 0.5 }, { id: 2, similarity: 0.4 }]).map((r) => r.id)).toEqual([4, 2]);
  });
});
