/** A problem with the step's input or parameters: retrying cannot help, so the step fails at once. */
export class StepInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepInputError';
  }
}
