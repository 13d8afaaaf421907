// Tasks of the seed DAG `xcom_taskflow_example`, ported: extract → transform → validate → load → notify.
export interface Person {
  readonly id: number;
  readonly name: string;
  readonly age: number;
}
export interface TransformedPerson extends Person {
  readonly age_group: 'young' | 'adult';
  readonly processed_at: Date;
}

export async function extractData(): Promise<Person[]> {
  return [
    { id: 1, name: 'Alice', age: 30 },
    { id: 2, name: 'Bob', age: 25 },
    { id: 3, name: 'Charlie', age: 35 },
  ];
}

export async function transformData(rawData: Person[]): Promise<TransformedPerson[]> {
  return rawData.map((record) => ({ ...record, age_group: record.age < 30 ? 'young' : 'adult', processed_at: new Date() }));
}

export async function validateData(data: TransformedPerson[]): Promise<boolean> {
  return data.length > 0 && data.every((item) => typeof item.name === 'string');
}

export async function loadData(data: TransformedPerson[], isValid: boolean): Promise<{ records_loaded: number; loaded_at: Date; status: string }> {
  if (!isValid) throw new Error('Data validation failed');
  return { records_loaded: data.length, loaded_at: new Date(), status: 'success' };
}

export async function sendNotification(loadingResult: { records_loaded: number; status: string }): Promise<void> {
  console.log(`Data loading completed: ${JSON.stringify(loadingResult)}`);
}
