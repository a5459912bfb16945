/** The pages the links in the verification and password-reset mails open. */
export { registerMailLinkPages } from './mailLinkPages';
