import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ERROR_STATUS, isNotFound, isUniqueViolation } from '../../src/lib/errors.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { randomKhPhone } from '../support/factories.js';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.prisma.adminUnit.create({ data: { pcode: '01', level: 'province', nameEn: 'Banteay Meanchey' } });
});
afterAll(() => t.cleanup());

/** The error a promise rejects with (fails the test if it resolves). */
async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err,
  );
}

describe('isUniqueViolation', () => {
  it('when Prisma inserts a duplicate primary key on the test database, then the real error is recognised', async () => {
    const err = await errorOf(t.db.prisma.adminUnit.create({ data: { pcode: '01', level: 'province', nameEn: 'Again' } }));

    expect(isUniqueViolation(err)).toBe(true);
    expect(isNotFound(err)).toBe(false);
  });

  it('when raw SQL inserts a duplicate, then the wrapped driver error is recognised too', async () => {
    const err = await errorOf(
      t.db.prisma.$executeRaw`INSERT INTO admin_units (pcode, level, name_en, updated_at) VALUES ('01', 'province', 'Again', now())`,
    );

    expect(isUniqueViolation(err)).toBe(true);
  });

  it('when a subscriber with an existing phone number is created, then the violation of the unique index is recognised', async () => {
    const phone = randomKhPhone();
    await t.db.prisma.subscriber.create({ data: { phone } });

    const err = await errorOf(t.db.prisma.subscriber.create({ data: { phone } }));

    expect(isUniqueViolation(err)).toBe(true);
  });

  it('when the error is shaped like Prisma P2002 from the pg adapter, then it is recognised', () => {
    const p2002 = {
      name: 'PrismaClientKnownRequestError',
      code: 'P2002',
      meta: {
        modelName: 'AdminUnit',
        driverAdapterError: {
          name: 'DriverAdapterError',
          cause: { originalCode: '23505', kind: 'UniqueConstraintViolation', constraint: { fields: ['pcode'] } },
        },
      },
    };

    expect(isUniqueViolation(p2002)).toBe(true);
    expect(isUniqueViolation({ code: 'P2002' })).toBe(true);
  });

  it('when the error is shaped like the raw DriverAdapterError 23505 from PGlite, then it is recognised', () => {
    const fromPglite = {
      name: 'DriverAdapterError',
      cause: { kind: 'postgres', code: '23505', severity: 'ERROR', message: 'duplicate key value violates unique constraint' },
    };

    expect(isUniqueViolation(fromPglite)).toBe(true);
    expect(isUniqueViolation({ name: 'DriverAdapterError', cause: { originalCode: '23505', kind: 'postgres' } })).toBe(true);
  });

  it('when a foreign key is violated on the test database, then it is not taken for a unique violation', async () => {
    const err = await errorOf(t.db.prisma.subscriber.create({ data: { phone: randomKhPhone(), districtPcode: 'nope' } }));

    expect(err).toBeInstanceOf(Error);
    expect(isUniqueViolation(err)).toBe(false);
  });

  it.each([
    ['a plain Error', new Error('duplicate key')],
    ['a not-found error', { code: 'P2025' }],
    ['a foreign-key violation from PGlite', { name: 'DriverAdapterError', cause: { kind: 'postgres', code: '23503' } }],
    ['an AppError', new AppError('conflict', 'already there')],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'P2002'],
    ['a number', 23505],
  ])('when given %s, then it is false', (_label, err) => {
    expect(isUniqueViolation(err)).toBe(false);
  });

  it('when the cause chain is cyclic, then it stops and answers false', () => {
    const a: Record<string, unknown> = { name: 'A' };
    a.cause = { name: 'B', cause: a };

    expect(isUniqueViolation(a)).toBe(false);
  });
});

describe('isNotFound', () => {
  it('when Prisma updates a missing row on the test database, then the real error is recognised', async () => {
    const err = await errorOf(t.db.prisma.adminUnit.update({ where: { pcode: 'missing' }, data: { nameEn: 'x' } }));

    expect(isNotFound(err)).toBe(true);
    expect(isUniqueViolation(err)).toBe(false);
  });
});

describe('AppError', () => {
  it('when created with a code, then its status comes from the one code-to-status map', () => {
    const err = new AppError('payload_too_large', 'too big', { limit: 1 });

    expect(err.status).toBe(413);
    expect(err.details).toEqual({ limit: 1 });
    expect(ERROR_STATUS.unsupported_media_type).toBe(415);
  });
});
