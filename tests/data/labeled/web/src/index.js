const { Octokit } = require('@octokit/rest');
const octokit = new Octokit({ auth: "ghs_L2eFuKcLq2cyhMGAuGkbM6BOvKGTS60dGKmY" });
const npmToken = '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';
const mysqlUrl = 'mysql://root:Qp8xZ2mWv4@10.0.0.5:3306/shop';
axios.defaults.headers.common['Authorization'] = 'Bearer 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';
