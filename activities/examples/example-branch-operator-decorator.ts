// Tasks of Airflow's `example_branch_python_operator_decorator`, ported.
import { log } from '@temporalio/activity';

/**
 * A branch task: picks one of `choices` at random, as Airflow's example does, unless the run's conf names one
 * (`{ choice: 'b' }`), and returns the task id `<prefix><choice>` to follow.
 */
export async function chooseBranch(choices: string[], prefix: string, choice?: string): Promise<string> {
  if (choice !== undefined && !choices.includes(choice)) throw new Error(`choice '${choice}' is not one of ${choices.join(', ')}`);
  return `${prefix}${choice ?? choices[Math.floor(Math.random() * choices.length)]!}`;
}

/** The work on each branch; records nothing. */
export async function doSomething(where: string): Promise<void> {
  log.info(`doing something in ${where}`);
}
