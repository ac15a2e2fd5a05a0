import { describeRule } from '../lint-helper.js';

describeRule('fulltext-or-spatial-index', {
  accepts: [
    ['ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;', 'mysql'],
    [
      'CREATE TABLE docs (id int PRIMARY KEY, body text);\nALTER TABLE docs ADD FULLTEXT INDEX ft_body (body);',
      'mysql',
    ],
  ],
  flags: [
    ['ALTER TABLE docs ADD FULLTEXT INDEX ft_body (body);', 'mysql', 1],
    ['CREATE SPATIAL INDEX sp_geo ON places (geo);', 'mysql', 1],
  ],
});
