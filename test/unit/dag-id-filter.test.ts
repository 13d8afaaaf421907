import { XComIdentityError } from '../../src/errors';
import { filterSql } from '../../src/store/filter-sql';

describe('filters spell the DAG as dagId (dagIds still read)', () => {
  it('dagId, one or a list, filters as the old dagIds did', () => {
    expect(filterSql('xcom', { dagId: 'etl', runId: 'r' })).toEqual(filterSql('xcom', { dagIds: 'etl', runId: 'r' }));
    expect(filterSql('xcom', { dagId: ['a', 'b'] })).toEqual(filterSql('xcom', { dagIds: ['a', 'b'] }));
    expect(filterSql('xcom', { dagId: 'etl' }).params).toEqual(['etl']);
  });

  it('both spellings naming different DAGs is an error naming dagId', () => {
    expect(filterSql('xcom', { dagId: 'a', dagIds: ['a'] }).params).toEqual(['a']);
    const error = (() => {
      try {
        return filterSql('xcom', { dagId: 'a', dagIds: 'b' });
      } catch (err) {
        return err;
      }
    })() as XComIdentityError;
    expect(error).toBeInstanceOf(XComIdentityError);
    expect(error.message).toBe('XCom filter: give dagId only (dagIds is its old spelling), not both with different DAGs');
  });
});
