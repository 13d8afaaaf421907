// Airflow's EmptyOperator as a task: it does nothing and records nothing (Airflow 3 does not even run it on a worker).
export async function emptyTask(): Promise<void> {}
